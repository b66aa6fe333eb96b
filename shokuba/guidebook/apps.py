from django.apps import AppConfig


class GuidebookConfig(AppConfig):
    name = "shokuba.guidebook"
    label = "guidebook"
    verbose_name = "ガイドブック"

    def ready(self) -> None:
        # Imported here, not at the top: the rules module imports models, which Django allows only once the app
        # registry is ready (the standard place for registrations, like signals).
        from shokuba.guidebook import permissions

        permissions.register_permissions()
