from django.urls import path

from shokuba.public import manage_views

app_name = "publishing"

urlpatterns = [
    path("", manage_views.index, name="index"),
    path("members/<str:code>/", manage_views.member_publication, name="member"),
    path("organisations/<int:pk>/", manage_views.organisation_publication, name="organisation"),
    path(
        "organisations/<int:pk>/years/<int:year>/",
        manage_views.indicator_publication,
        name="indicator_year",
    ),
    path("organisations/<int:pk>/postings/new/", manage_views.posting_add, name="posting_add"),
    path("postings/<int:pk>/", manage_views.posting, name="posting"),
    path("postings/<int:pk>/publish/", manage_views.posting_publish, name="posting_publish"),
    path("postings/<int:pk>/close/", manage_views.posting_close, name="posting_close"),
]
