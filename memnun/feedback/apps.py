from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "memnun.feedback"
    label = "feedback"
    verbose_name = "Feedback"

    def ready(self) -> None:
        # Deadlines of open cases follow edits of calendars, targets and categories
        # (why a signal and not a call: memnun.servicelevels.signals).
        from django.core.checks import Tags, register

        from memnun.feedback import checks, receivers

        receivers.connect()
        # Configuration that cannot work stops `check`, `migrate` and the servers.
        register(checks.configuration_check, Tags.compatibility)
