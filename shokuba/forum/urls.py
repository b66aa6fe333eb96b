from django.urls import path

from shokuba.forum import views

app_name = "forum"

urlpatterns = [
    path("", views.index, name="index"),
    path("moderation/", views.moderation, name="moderation"),
    path("reports/<int:pk>/close/", views.report_close, name="report_close"),
    path("threads/new/", views.thread_new, name="thread_new"),
    path("threads/<int:pk>/", views.thread_page, name="thread"),
    path("threads/<int:pk>/reply/", views.thread_reply, name="thread_reply"),
    path("threads/<int:pk>/subscription/", views.thread_subscription, name="thread_subscription"),
    path("threads/<int:pk>/moderate/", views.thread_moderate, name="thread_moderate"),
    path("posts/<int:pk>/edit/", views.post_edit, name="post_edit"),
    path("posts/<int:pk>/helpful/", views.post_helpful, name="post_helpful"),
    path("posts/<int:pk>/report/", views.post_report, name="post_report"),
    path("posts/<int:pk>/moderate/", views.post_moderate, name="post_moderate"),
]
