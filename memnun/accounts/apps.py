from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "memnun.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.core.checks import Tags, register

        from memnun.accounts.checks import two_factor_roles_check
        from memnun.accounts.sessions import session_stamp

        user_logged_in.connect(session_stamp, dispatch_uid="accounts.session_stamp")
        register(two_factor_roles_check, Tags.security)
