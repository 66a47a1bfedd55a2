from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "memnun.notifications"
    label = "notifications"
    verbose_name = "Notifications"
