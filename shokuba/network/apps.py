from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "shokuba.network"
    label = "network"
    verbose_name = "ネットワーク"
