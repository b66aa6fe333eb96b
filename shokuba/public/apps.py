from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "shokuba.public"
    label = "public"
    verbose_name = "公開サイトとオープンデータ"

    def ready(self) -> None:
        # Imported here: the rules import models (the standard place for registrations).
        from shokuba.public import permissions

        permissions.register_permissions()
