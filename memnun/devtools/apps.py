from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    name = "memnun.devtools"
    label = "devtools"
    verbose_name = "Development tools"
