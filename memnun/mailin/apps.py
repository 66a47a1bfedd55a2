from django.apps import AppConfig


class MailinConfig(AppConfig):
    name = "memnun.mailin"
    label = "mailin"
    verbose_name = "Inbound e-mail"

    def ready(self) -> None:
        from memnun.dataprotection.retention_rules import RetentionCategory
        from memnun.dataprotection.services.destruction import pruner_register
        from memnun.mailin.retention import inbound_unmatched_prune

        # The destruction job (K9) deletes the e-mails that became no case.
        pruner_register(
            name="mailin.unmatched", category=RetentionCategory.INBOUND_MAIL,
            prune=inbound_unmatched_prune,
        )
