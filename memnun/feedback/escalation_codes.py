"""The codes of the escalation ladder (RA-flow): why a case went up, and where it went out."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EscalationReason(models.TextChoices):
    CUSTOMER_REJECTED = "customer_rejected", _("The customer rejected the resolution")
    REOPENED = "reopened", _("The case was reopened")
    MANUAL = "manual", _("Escalated by staff")
    EXTERNAL_REFERRAL = "external_referral", _("Referred to an external body")


class ExternalBody(models.TextChoices):
    """Where a customer who disagrees may take the complaint (ISO 10003, Law 6502)."""

    ARBITRATION_BOARD = "arbitration_board", _("Consumer arbitration committee")
    CONSUMER_COURT = "consumer_court", _("Consumer court")
    ISO_10003 = "iso_10003", _("External dispute resolution provider (ISO 10003)")
    OTHER = "other", _("Another external body")
