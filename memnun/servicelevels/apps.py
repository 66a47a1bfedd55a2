from django.apps import AppConfig


class ServicelevelsConfig(AppConfig):
    name = "memnun.servicelevels"
    label = "servicelevels"
    verbose_name = "Service levels"
