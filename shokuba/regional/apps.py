from django.apps import AppConfig


class RegionalConfig(AppConfig):
    name = "shokuba.regional"
    label = "regional"
    verbose_name = "地域統計"
