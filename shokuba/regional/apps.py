from django.apps import AppConfig


class RegionalConfig(AppConfig):
    name = "shokuba.regional"
    label = "regional"
    verbose_name = "地域統計"

    def ready(self) -> None:
        # Imported here, not at the top: the rules module imports models, which Django allows only once the app
        # registry is ready (the standard place for registrations, like signals).
        from shokuba.regional import permissions

        permissions.register_permissions()
