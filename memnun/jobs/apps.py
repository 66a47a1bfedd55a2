from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "memnun.jobs"
    label = "jobs"
    verbose_name = "Background jobs"
