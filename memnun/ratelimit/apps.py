from django.apps import AppConfig


class RatelimitConfig(AppConfig):
    name = "memnun.ratelimit"
    label = "ratelimit"
    verbose_name = "Rate limits"
