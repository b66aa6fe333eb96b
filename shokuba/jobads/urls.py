from django.urls import path

from shokuba.jobads import views

app_name = "jobads"
urlpatterns = [
    path("members/<str:code>/", views.check_page, name="check"),
    path("members/<str:code>/batch/", views.batch, name="batch"),
    path("members/<str:code>/export.csv", views.export, name="export"),
    path("checks/<int:pk>/", views.result, name="result"),
    path("checks/<int:pk>/rewrite/", views.rewrite, name="rewrite"),
]
