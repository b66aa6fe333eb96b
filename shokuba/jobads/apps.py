from django.apps import AppConfig


class JobadsConfig(AppConfig):
    name = "shokuba.jobads"
    label = "jobads"
    verbose_name = "求人票の「見え方」チェック"

    def ready(self) -> None:
        from shokuba.jobads import permissions

        permissions.register_permissions()
