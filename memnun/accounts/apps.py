from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "memnun.accounts"
    label = "accounts"
    verbose_name = "Accounts"
