from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "shokuba.core"
    label = "core"
    verbose_name = "共通"
