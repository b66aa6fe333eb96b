from django.urls import path

from shokuba.guidebook import views

app_name = "guidebook"
urlpatterns = [
    path("board/", views.board, name="board"),
    path("members/<str:code>/steps/<str:step_code>/", views.step_detail, name="step_detail"),
]
