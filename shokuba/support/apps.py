from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "shokuba.support"
    label = "support"
    verbose_name = "相談と紹介"

    def ready(self) -> None:
        # Imported here: the rules and the reminders import models (the standard place for registrations).
        from shokuba.support import notices, permissions

        permissions.register_permissions()
        notices.register_notices()
