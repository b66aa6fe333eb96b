from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "shokuba.results"
    label = "results"
    verbose_name = "集計・分析"

    def ready(self) -> None:
        # Imported here, not at the top: the rules module imports models, which Django allows only once the app
        # registry is ready (the standard place for registrations, like signals).
        from shokuba.results import permissions

        permissions.register_permissions()
