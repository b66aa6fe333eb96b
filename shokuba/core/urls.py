from django.urls import path

from shokuba.core import audit_views

app_name = "core"
urlpatterns = [
    path("audit/", audit_views.audit_list, name="audit_list"),
    path("audit/export.<str:fmt>", audit_views.audit_export, name="audit_export"),
]
