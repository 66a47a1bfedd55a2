"""The framework around case work (ISO 10002 4.2, 4.14, 5.3, 5.4): the complaints-handling
policy and who acknowledged it, the management representative's appointments, and the
staff's training records.

Records only: the rules (who drafts, approves, publishes, appoints; who may be assigned)
are feedback's services, which check the permission matrix and audit every write.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _


class PolicyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")
    # A published version that a newer published version replaced.
    SUPERSEDED = "superseded", _("Superseded")


# The statuses a version reaches only with a top-management approval on it.
APPROVED_STATUSES = (PolicyStatus.APPROVED, PolicyStatus.PUBLISHED, PolicyStatus.SUPERSEDED)


class PolicyVersion(models.Model):
    """One version of the complaints-handling policy, in Turkish and in English."""

    number = models.PositiveIntegerField(_("version"), unique=True)
    text_tr = models.TextField(_("text (Turkish)"))
    text_en = models.TextField(_("text (English)"))
    effective_from = models.DateField(_("effective from"))
    status = models.CharField(
        _("status"), max_length=16, choices=PolicyStatus.choices, default=PolicyStatus.DRAFT
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("drafted by"), on_delete=models.PROTECT,
        related_name="+",
    )
    drafted_at = models.DateTimeField(_("drafted at"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("approved by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        ordering = ("-number",)
        constraints = [
            # The services check it first; the database keeps it true whatever writes.
            models.CheckConstraint(
                condition=Q(status=PolicyStatus.DRAFT)
                | Q(approved_by__isnull=False, approved_at__isnull=False),
                name="policy_approved_before_leaving_draft",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[PolicyStatus.PUBLISHED, PolicyStatus.SUPERSEDED])
                | Q(published_at__isnull=False),
                name="policy_published_has_a_date",
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.number} ({self.status})"


class PolicyAcknowledgement(models.Model):
    """A member of staff read a published version (once per person and version)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT,
        related_name="policy_acknowledgements",
    )
    version = models.ForeignKey(
        PolicyVersion, verbose_name=_("version"), on_delete=models.PROTECT,
        related_name="acknowledgements",
    )
    at = models.DateTimeField(_("acknowledged at"))

    class Meta:
        verbose_name = _("policy acknowledgement")
        verbose_name_plural = _("policy acknowledgements")
        constraints = [
            models.UniqueConstraint(fields=["user", "version"], name="policy_ack_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} read v{self.version.number}"


class RepresentativeAppointment(models.Model):
    """The complaints-handling management representative, appointed by top management."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("representative"), on_delete=models.PROTECT,
        related_name="+",
    )
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("appointed by"), on_delete=models.PROTECT,
        related_name="+",
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"), null=True, blank=True)
    text = models.TextField(_("appointment text"))
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("representative appointment")
        verbose_name_plural = _("representative appointments")
        ordering = ("-starts_on", "-pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="appointment_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} from {self.starts_on}"


class TrainingRecord(models.Model):
    """A completed complaints-handling training of a member of staff (ISO 10002 4.14)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT,
        related_name="training_records",
    )
    course = models.CharField(_("course"), max_length=200)
    completed_on = models.DateField(_("completed on"))
    # The first day the training no longer counts; empty: it does not expire.
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    evidence = models.CharField(_("evidence"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        ordering = ("-completed_on", "-pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True)
                | Q(expires_on__gt=models.F("completed_on")),
                name="training_expires_after_completion",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.course} ({self.completed_on})"


def trainings_valid_on(day: date) -> QuerySet[TrainingRecord]:
    """The training records that count on this day: completed by then, not yet expired.

    The one definition of a valid training: the assignment rule, the round robin and
    the capacity report all ask it.
    """
    return TrainingRecord.objects.filter(completed_on__lte=day).filter(
        Q(expires_on__isnull=True) | Q(expires_on__gt=day)
    )
