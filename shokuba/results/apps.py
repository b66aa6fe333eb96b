from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "shokuba.results"
    label = "results"
    verbose_name = "集計・分析"
