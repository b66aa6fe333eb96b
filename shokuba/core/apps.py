from django.apps import AppConfig
from django.utils import translation

from shokuba.analysis import i18n


class CoreConfig(AppConfig):
    name = "shokuba.core"
    label = "core"
    verbose_name = "共通"

    def ready(self) -> None:
        # The pure modules without Django (the analysis engine, workplace.readiness) word their sentences through
        # Django's gettext from here on, in the language active where they run (shokuba/analysis/i18n.py).
        i18n.install(gettext=translation.gettext, ngettext=translation.ngettext, get_language=translation.get_language)

        from shokuba.core.observability import metrics_install
        from shokuba.core.request_logs import unlogged_paths_install
        from shokuba.core.two_factor import audit_labels_register

        unlogged_paths_install()
        metrics_install()
        audit_labels_register()
