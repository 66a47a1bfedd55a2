from django.apps import AppConfig


class MailinConfig(AppConfig):
    name = "memnun.mailin"
    label = "mailin"
    verbose_name = "Inbound e-mail"
