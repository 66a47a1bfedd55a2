from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "memnun.desk"
    label = "desk"
    verbose_name = "Staff desk"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from memnun.desk.policy_gate import policy_pending_note
        from memnun.desk.review_demo import on_demo_loaded
        from memnun.desk.two_factor_gate import two_factor_owed_note
        from memnun.organisation.signals import demo_loaded

        user_logged_in.connect(two_factor_owed_note, dispatch_uid="desk.two_factor_owed")
        user_logged_in.connect(policy_pending_note, dispatch_uid="desk.policy_pending")
        # After feedback's (apps connect in INSTALLED_APPS order): its CAPAs and audit
        # are in the demo review's pack.
        demo_loaded.connect(on_demo_loaded, dispatch_uid="desk.review_demo")
