"""The codes of the CAPA register (DÖF) and of a resolution's response type (R7.7, R8.7)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CapaKind(models.TextChoices):
    CORRECTIVE = "corrective", _("Corrective")
    PREVENTIVE = "preventive", _("Preventive")


class CapaStatus(models.TextChoices):
    """open → actions in progress → awaiting effectiveness check → closed; an
    ineffective check sends it back to open (services/capa.py is the only writer)."""

    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("Actions in progress")
    AWAITING_CHECK = "awaiting_check", _("Awaiting effectiveness check")
    CLOSED = "closed", _("Closed")


class CapaSourceKind(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    AUDIT_FINDING = "audit_finding", _("Audit finding")
    MANAGEMENT_REVIEW = "management_review", _("Management review decision")
    SURGE = "surge", _("Surge finding")
    PARETO = "pareto", _("Pareto finding")


class AnalysisMethod(models.TextChoices):
    FIVE_WHYS = "five_whys", _("5 whys")
    CAUSE_CATEGORIES = "cause_categories", _("Cause categories")


class CapaActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class CriterionKind(models.TextChoices):
    """How effectiveness is judged: measured from the complaints where possible."""

    NO_COMPLAINTS = "no_complaints", _("No complaint of the category for N days after the actions")
    WEEKLY_VOLUME = "weekly_volume", _("Weekly complaints of the category at or under a level")
    JUDGED = "judged", _("Judged by the quality manager")


class CheckResult(models.TextChoices):
    EFFECTIVE = "effective", _("Effective")
    INEFFECTIVE = "ineffective", _("Ineffective")


class ResponseType(models.TextChoices):
    """What a resolution offers the customer (R7.7)."""

    REDO_REPAIR = "redo_repair", _("Redo the repair")
    REPLACE_PART = "replace_part", _("Replace the part")
    REFUND = "refund", _("Refund")
    GOODWILL = "goodwill", _("Goodwill gesture")
    APOLOGY = "apology", _("Apology")
    EXPLANATION = "explanation", _("Explanation")
    NO_ACTION = "no_action", _("No action")
