from django.urls import path

from shokuba.materials import views

app_name = "materials"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.material_new, name="material_new"),
    path("<int:pk>/", views.material_page, name="material"),
    path("<int:pk>/versions/", views.material_version_add, name="material_version_add"),
    path("<int:pk>/video/", views.material_video, name="material_video"),
    path("versions/<int:pk>/download/", views.version_download, name="version_download"),
    path("kits/new/", views.kit_new, name="kit_new"),
    path("kits/<int:pk>/", views.kit_page, name="kit"),
    path("workshops/", views.workshops, name="workshops"),
    path("workshops/new/", views.workshop_new, name="workshop_new"),
    path("workshops/<int:pk>/", views.workshop_page, name="workshop"),
    path("experts/", views.experts, name="experts"),
    path("experts/new/", views.expert_new, name="expert_new"),
    path("experts/<int:pk>/", views.expert_page, name="expert"),
    path("experts/<int:pk>/introductions/", views.introduction_new, name="introduction_new"),
    path("introductions/", views.introductions, name="introductions"),
    path("introductions/<int:pk>/", views.introduction_page, name="introduction"),
    path("introductions/<int:pk>/route/", views.introduction_route, name="introduction_route"),
]
