from django.apps import AppConfig


class GuidebookConfig(AppConfig):
    name = "shokuba.guidebook"
    label = "guidebook"
    verbose_name = "ガイドブック"
