from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "memnun.portal"
    label = "portal"
    verbose_name = "Customer portal"
