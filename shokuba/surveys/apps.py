from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "shokuba.surveys"
    label = "surveys"
    verbose_name = "アンケート"

    def ready(self) -> None:
        # Imported here, not at the top: the rules module imports models, which Django allows only once the app
        # registry is ready (the standard place for registrations, like signals).
        from shokuba.surveys import permissions

        permissions.register_permissions()
