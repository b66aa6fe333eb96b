from django.urls import path

from shokuba.core import audit_views, observability

app_name = "core"
urlpatterns = [
    path("audit/", audit_views.audit_list, name="audit_list"),
    path("audit/export.<str:fmt>", audit_views.audit_export, name="audit_export"),
    # Operation (core/observability.py): liveness, readiness, Prometheus metrics.
    path("healthz", observability.healthz, name="healthz"),
    path("readyz", observability.readyz, name="readyz"),
    path("metrics", observability.metrics, name="metrics"),
]
