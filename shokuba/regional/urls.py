from django.urls import path

from shokuba.regional import views

app_name = "regional"
urlpatterns = [
    path("", views.index, name="index"),
    path("areas/<str:code>/", views.area_detail, name="area"),
    path("areas/<str:code>/charts/<str:name>.<str:fmt>", views.area_chart, name="area_chart"),
    path("areas/<str:code>/<str:what>.<str:fmt>", views.area_export, name="area_export"),
    path("network/", views.network_ranking, name="network"),
    path("imports/", views.imports, name="imports"),
    path("imports/jobs/<int:pk>/", views.job_detail, name="job"),
    path("members/<str:code>/outcomes/", views.outcome_add, name="outcome_add"),
    path("members/<str:code>/outcomes/<int:pk>/delete/", views.outcome_remove, name="outcome_remove"),
]
