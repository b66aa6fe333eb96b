from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "shokuba.api"
    label = "api"
    verbose_name = "API"
