from django.apps import AppConfig


class JobadsConfig(AppConfig):
    name = "shokuba.jobads"
    label = "jobads"
    verbose_name = "求人票の「見え方」チェック"

    def ready(self) -> None:
        from shokuba.core.checkers import JOB_AD_CHECKER, checker_register
        from shokuba.jobads import permissions
        from shokuba.jobads.checker import posting_findings

        permissions.register_permissions()
        checker_register(JOB_AD_CHECKER, posting_findings)  # every public job posting passes it (shokuba.public)
