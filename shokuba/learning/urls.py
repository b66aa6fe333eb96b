from django.urls import path

from shokuba.learning import views

app_name = "learning"

urlpatterns = [
    path("", views.index, name="index"),
    path("review/", views.review_queue, name="review"),
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/<int:pk>/", views.case_page, name="case"),
    path("cases/<int:pk>/edit/", views.case_edit, name="case_edit"),
    path("cases/<int:pk>/submit/", views.case_submit, name="case_submit"),
    path("cases/<int:pk>/approve/", views.case_approve, name="case_approve"),
    path("cases/<int:pk>/return/", views.case_return, name="case_return"),
    path("cases/<int:pk>/revise/", views.case_revise, name="case_revise"),
    path("cases/<int:pk>/comments/", views.case_comment, name="case_comment"),
    path("cases/<int:pk>/helpful/", views.case_helpful, name="case_helpful"),
    path("cases/<int:pk>/evidence/", views.case_evidence_add, name="case_evidence_add"),
    path("evidence/<int:pk>/remove/", views.case_evidence_remove, name="case_evidence_remove"),
    path("evidence/<int:pk>/file/", views.case_evidence_file, name="case_evidence_file"),
]
