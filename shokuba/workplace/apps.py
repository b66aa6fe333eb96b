from django.apps import AppConfig


class WorkplaceConfig(AppConfig):
    name = "shokuba.workplace"
    label = "workplace"
    verbose_name = "職場の指標"

    def ready(self) -> None:
        # Imported here, not at the top: the rules module imports models, which Django allows only once the app
        # registry is ready (the standard place for registrations, like signals).
        from shokuba.workplace import permissions

        permissions.register_permissions()
