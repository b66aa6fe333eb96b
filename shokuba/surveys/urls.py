from django.urls import path

from shokuba.surveys import export_views, respond, views

app_name = "surveys"
urlpatterns = [
    # Respondents (anonymous, no cookies). First, as this module is first in the root URLconf: every submission
    # resolves its URL, and walking every staff pattern before it cost a tenth of a millisecond each time.
    path("s/privacy/", respond.privacy, name="answer_privacy"),  # never a token: tokens are 32 random characters
    path("s/<str:token>/", respond.answer, name="answer"),
    path("s/<str:token>/thanks/", respond.answer_thanks, name="answer_thanks"),
    # Staff
    path("surveys/", views.index, name="index"),
    path("surveys/templates/", views.library, name="library"),
    path("surveys/templates/<slug:code>/", views.library_detail, name="library_detail"),
    path("members/<str:code>/surveys/", views.member_surveys, name="member_surveys"),
    path("members/<str:code>/surveys/start/", views.questionnaire_start, name="questionnaire_start"),
    path("members/<str:code>/surveys/waves/new/", views.wave_create, name="wave_create"),
    path("surveys/questionnaires/<int:pk>/", views.questionnaire_detail, name="questionnaire_detail"),
    path("surveys/questionnaires/<int:pk>/draft/", views.draft_start, name="draft_start"),
    path("surveys/questionnaires/<int:pk>/draft/discard/", views.draft_discard, name="draft_discard"),
    path("surveys/questionnaires/<int:pk>/draft/meta/", views.draft_meta, name="draft_meta"),
    path("surveys/questionnaires/<int:pk>/draft/questions/", views.question_add, name="question_add"),
    path("surveys/questionnaires/<int:pk>/draft/questions/<str:code>/", views.question_edit, name="question_edit"),
    path("surveys/questionnaires/<int:pk>/draft/questions/<str:code>/move/", views.question_move, name="question_move"),
    path(
        "surveys/questionnaires/<int:pk>/draft/questions/<str:code>/remove/",
        views.question_remove,
        name="question_remove",
    ),
    path("surveys/questionnaires/<int:pk>/draft/publish/", views.questionnaire_publish, name="questionnaire_publish"),
    path("surveys/questionnaires/<int:pk>/v<int:number>/preview/", views.version_preview, name="version_preview"),
    path("surveys/questionnaires/<int:pk>/v<int:number>/phone/", views.version_phone, name="version_phone"),
    path("surveys/waves/<int:pk>/", views.wave_detail, name="wave_detail"),
    path("surveys/waves/<int:pk>/open/", views.wave_open, name="wave_open"),
    path("surveys/waves/<int:pk>/close/", views.wave_close, name="wave_close"),
    path("surveys/waves/<int:pk>/dates/", views.wave_dates, name="wave_dates"),
    path("surveys/waves/<int:pk>/export.<str:fmt>", views.wave_export, name="wave_export"),
    path("surveys/waves/<int:pk>/exports/", export_views.wave_exports, name="wave_exports"),
    path("surveys/exports/<int:pk>/", export_views.export_job, name="export_job"),
    path("surveys/exports/<int:pk>/download/", export_views.export_download, name="export_download"),
    path("surveys/waves/<int:pk>/import/", views.wave_import, name="wave_import"),
    path("surveys/waves/<int:pk>/import-sheet.<str:fmt>", views.wave_import_sheet, name="wave_import_sheet"),
    path("surveys/waves/<int:pk>/organisations/", views.wave_organisations_add, name="wave_organisations_add"),
    path("surveys/links/<int:pk>/headcount/", views.link_headcount, name="link_headcount"),
    path("surveys/links/<int:pk>/qr.svg", views.link_qr_svg, name="link_qr_svg"),
    path("surveys/links/<int:pk>/qr.png", views.link_qr_png, name="link_qr_png"),
    path("surveys/links/<int:pk>/flyer.pdf", views.link_flyer, name="link_flyer"),
]
