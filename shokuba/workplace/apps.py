from django.apps import AppConfig


class WorkplaceConfig(AppConfig):
    name = "shokuba.workplace"
    label = "workplace"
    verbose_name = "職場の指標"
