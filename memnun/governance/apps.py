from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "memnun.governance"
    label = "governance"
    verbose_name = "Governance"
