from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "shokuba.surveys"
    label = "surveys"
    verbose_name = "アンケート"
