from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "shokuba.demo"
    label = "demo"
    verbose_name = "デモデータ"
