from django.urls import path

from shokuba.core import audit_views, notification_views, observability

app_name = "core"
urlpatterns = [
    path("audit/", audit_views.audit_list, name="audit_list"),
    path("audit/export.<str:fmt>", audit_views.audit_export, name="audit_export"),
    # One's own notifications (core/notifications.py); the unsubscribe link works without logging in.
    path("notifications/", notification_views.notification_list, name="notifications"),
    path("notifications/<int:pk>/open/", notification_views.notification_open, name="notification_open"),
    path("notifications/read-all/", notification_views.notification_read_all, name="notification_read_all"),
    path("notifications/preferences/", notification_views.notification_preferences, name="notification_preferences"),
    path(
        "notifications/unsubscribe/<str:token>/",
        notification_views.notification_unsubscribe,
        name="notification_unsubscribe",
    ),
    # Operation (core/observability.py): liveness, readiness, Prometheus metrics.
    path("healthz", observability.healthz, name="healthz"),
    path("readyz", observability.readyz, name="readyz"),
    path("metrics", observability.metrics, name="metrics"),
]
