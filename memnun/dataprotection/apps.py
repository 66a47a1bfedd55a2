from django.apps import AppConfig


class DataProtectionConfig(AppConfig):
    name = "memnun.dataprotection"
    label = "dataprotection"
    verbose_name = "Data protection"

    def ready(self) -> None:
        from django.core.checks import Tags, register

        from memnun.dataprotection import checks, receivers

        receivers.connect()
        # In production, channels that would expose personal data stop the start-up.
        register(checks.transport_check, Tags.security)
        register(checks.destruction_interval_check)
