from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "shokuba.events"
    label = "events"
    verbose_name = "研修・交流会"

    def ready(self) -> None:
        # Imported here: the rules and the notices import models.
        from shokuba.events import notices, permissions

        permissions.register_permissions()
        notices.register_notices()
