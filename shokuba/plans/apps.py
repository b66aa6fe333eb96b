from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "shokuba.plans"
    label = "plans"
    verbose_name = "アクションプランと効果検証"

    def ready(self) -> None:
        # Imported here: the rules and the task module import models (the standard place for registrations).
        from shokuba.core.task_workers import job_recovery_register
        from shokuba.plans import permissions, reports

        permissions.register_permissions()
        job_recovery_register("plans.report_jobs", reports.report_jobs_recover_lost)
