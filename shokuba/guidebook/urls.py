from django.urls import path

from shokuba.guidebook import views

app_name = "guidebook"
urlpatterns = [
    path("board/", views.board, name="board"),
    path("board/export.csv", views.board_export, {"fmt": "csv"}, name="board_export_csv"),
    path("board/export.xlsx", views.board_export, {"fmt": "xlsx"}, name="board_export_xlsx"),
    path("members/<str:code>/steps/<str:step_code>/", views.step_detail, name="step_detail"),
    path("members/<str:code>/steps/<str:step_code>/checklist/", views.step_checklist, name="step_checklist"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/delete/", views.evidence_delete, name="evidence_delete"),
]
