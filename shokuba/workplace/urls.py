from django.urls import path

from shokuba.workplace import insight_views, views

app_name = "workplace"
urlpatterns = [
    path("organisations/<int:pk>/", views.organisation_years, name="organisation_years"),
    path("organisations/<int:pk>/years/", views.year_start, name="year_start"),
    path("organisations/<int:pk>/years/<int:year>/", views.year_edit, name="year_edit"),
    path("members/<str:code>/imports/", views.import_start, name="import_start"),
    path("members/<str:code>/imports/template.<str:fmt>", views.import_template, name="import_template"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("imports/<int:pk>/discard/", views.import_discard, name="import_discard"),
    # Dashboard, readiness, diagnosis, picture.
    path("organisations/<int:pk>/dashboard/", insight_views.dashboard, name="dashboard"),
    path("organisations/<int:pk>/readiness/", insight_views.readiness_detail, name="readiness"),
    path("organisations/<int:pk>/diagnosis/", insight_views.diagnosis_page, name="diagnosis"),
    path("organisations/<int:pk>/diagnosis/profile.<str:fmt>", insight_views.diagnosis_chart, name="diagnosis_chart"),
    path("organisations/<int:pk>/diagnosis/export.<str:fmt>", insight_views.diagnosis_export, name="diagnosis_export"),
    path("picture/", insight_views.picture_page, name="network_picture"),
    path("picture/export.<str:fmt>", insight_views.picture_export, name="network_picture_export"),
    path("members/<str:code>/picture/", insight_views.picture_page, name="picture"),
    path("members/<str:code>/picture/export.<str:fmt>", insight_views.picture_export, name="picture_export"),
    path("members/<str:code>/recognition/", insight_views.recognition, name="recognition"),
    path("members/<str:code>/recognition/<int:pk>/", insight_views.recognition_stage_edit, name="recognition_stage"),
    path(
        "members/<str:code>/recognition/<int:pk>/delete/",
        insight_views.recognition_stage_delete,
        name="recognition_stage_delete",
    ),
    path("referrals/", insight_views.referrals, name="referrals"),
    path("referrals/<int:pk>/", insight_views.referral_edit, name="referral_edit"),
]
