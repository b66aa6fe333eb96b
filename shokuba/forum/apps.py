from django.apps import AppConfig


class ForumConfig(AppConfig):
    name = "shokuba.forum"
    label = "forum"
    verbose_name = "コーディネーターのフォーラム"

    def ready(self) -> None:
        # Imported here: the rules and the search registration import models.
        from django.urls import reverse
        from django.utils.translation import gettext_lazy as _

        from shokuba.forum import notices, permissions
        from shokuba.search.registry import search_kind_register

        permissions.register_permissions()
        notices.register_notices()
        search_kind_register(
            "forum",
            label=_("フォーラム"),
            narrowing=permissions.thread_search_narrowing,
            url=lambda pk: reverse("forum:thread", args=[pk]),
        )
