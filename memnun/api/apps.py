from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "memnun.api"
    label = "api"
    verbose_name = "API"

    def ready(self) -> None:
        from memnun.api.idempotency import idempotency_prune
        from memnun.dataprotection.retention_rules import RetentionCategory
        from memnun.dataprotection.services.destruction import pruner_register

        # The destruction job (K9) prunes the stored first answers too.
        pruner_register(
            name="api.idempotency", category=RetentionCategory.IDEMPOTENCY,
            prune=idempotency_prune,
        )
