from django.apps import AppConfig


class GuidebookConfig(AppConfig):
    name = "shokuba.guidebook"
    label = "guidebook"
    verbose_name = "ガイドブック"

    def ready(self) -> None:
        # Imported here, not at the top: the rules module imports models, which Django allows only once the app
        # registry is ready (the standard place for registrations, like signals).
        from shokuba.core.audit import audit_value_wording_register
        from shokuba.guidebook import permissions, selectors

        permissions.register_permissions()
        audit_value_wording_register("guidebook.stepprogress", "checklist", selectors.checklist_in_words)
