from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "memnun.api"
    label = "api"
    verbose_name = "API"
