from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "shokuba.learning"
    label = "learning"
    verbose_name = "学び合い（事例ライブラリ）"

    def ready(self) -> None:
        # Imported here: the rules and the search registration import models.
        from django.urls import reverse
        from django.utils.translation import gettext_lazy as _

        from shokuba.learning import notices, permissions
        from shokuba.search.registry import search_kind_register

        permissions.register_permissions()
        notices.register_notices()
        search_kind_register(
            "case",
            label=_("事例"),
            narrowing=permissions.case_search_narrowing,
            url=lambda pk: reverse("learning:case", args=[pk]),
        )
