from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "shokuba.search"
    label = "search"
    verbose_name = "検索"
