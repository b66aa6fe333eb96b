from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "shokuba.network"
    label = "network"
    verbose_name = "ネットワーク"

    def ready(self) -> None:
        # Imported here, not at the top: the rules module imports models, which Django allows only once the app
        # registry is ready (the standard place for registrations, like signals).
        from shokuba.network import permissions

        permissions.register_permissions()
