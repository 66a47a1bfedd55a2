from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "memnun.audit"
    label = "audit"
    verbose_name = "Audit trail"
