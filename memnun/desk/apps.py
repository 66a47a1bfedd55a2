from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "memnun.desk"
    label = "desk"
    verbose_name = "Staff desk"
