from django.urls import path

from shokuba.network import views

app_name = "network"
urlpatterns = [
    path("members/", views.member_list, name="member_list"),
    path("members/<str:code>/", views.member_home, name="member_home"),
    path("members/<str:code>/organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<int:pk>/delete/", views.organisation_delete, name="organisation_delete"),
    path("organisations/<int:pk>/contacts/", views.contact_create, name="contact_create"),
    path("organisations/<int:pk>/contacts/<int:contact_pk>/delete/", views.contact_delete, name="contact_delete"),
    path("local-governments/", views.local_government_search, name="local_government_search"),
]
