from django.apps import AppConfig


class MaterialsConfig(AppConfig):
    name = "shokuba.materials"
    label = "materials"
    verbose_name = "研修素材・有識者"

    def ready(self) -> None:
        # Imported here: the rules and the search registration import models.
        from django.urls import reverse
        from django.utils.translation import gettext_lazy as _

        from shokuba.materials import notices, permissions
        from shokuba.search.registry import search_kind_register

        permissions.register_permissions()
        notices.register_notices()
        search_kind_register(
            "material",
            label=_("研修素材"),
            narrowing=permissions.material_search_narrowing,
            url=lambda pk: reverse("materials:material", args=[pk]),
        )
