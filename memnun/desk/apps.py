from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "memnun.desk"
    label = "desk"
    verbose_name = "Staff desk"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from memnun.desk.policy_gate import policy_pending_note

        user_logged_in.connect(policy_pending_note, dispatch_uid="desk.policy_pending")
