"""The CAPA register (DÖF): corrective and preventive actions, their sources, analysis,
actions and effectiveness checks (R8.7). `services/capa.py` is the only writer."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from memnun.feedback.capa_codes import (
    AnalysisMethod,
    CapaActionStatus,
    CapaKind,
    CapaSourceKind,
    CapaStatus,
    CheckResult,
    CriterionKind,
)


class CapaCounter(models.Model):
    """The last CAPA sequence given out in a year; its row lock orders allocation."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Capa(models.Model):
    number = models.CharField(_("number"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=CapaKind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=CapaStatus.choices, default=CapaStatus.OPEN
    )
    office = models.ForeignKey(
        "organisation.Office", verbose_name=_("office"), on_delete=models.PROTECT,
        null=True, blank=True,
    )
    category = models.ForeignKey(
        "organisation.Category", verbose_name=_("category"), on_delete=models.PROTECT,
        null=True, blank=True,
    )
    problem = models.TextField(_("problem"))
    analysis_method = models.CharField(
        _("analysis method"), max_length=20, choices=AnalysisMethod.choices, blank=True
    )
    cause_categories = models.ManyToManyField(
        "organisation.RootCauseCategory", verbose_name=_("cause categories"), blank=True,
        related_name="+",
    )
    findings = models.TextField(_("findings"), blank=True)
    # The effectiveness criterion; the measured kinds read the CAPA's category and office.
    criterion_kind = models.CharField(
        _("criterion"), max_length=16, choices=CriterionKind.choices,
        default=CriterionKind.JUDGED,
    )
    criterion_days = models.PositiveIntegerField(_("days"), null=True, blank=True)
    criterion_weeks = models.PositiveSmallIntegerField(_("weeks"), null=True, blank=True)
    criterion_level = models.PositiveIntegerField(_("weekly level"), null=True, blank=True)
    criterion_text = models.TextField(_("criterion (text)"), blank=True)
    check_planned_on = models.DateField(_("check planned for"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("opened by"), on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("opened at"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("closed by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("CAPA")
        verbose_name_plural = _("CAPAs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return self.number


class CapaSource(models.Model):
    """Where a CAPA comes from: a complaint (linked), or another finding named in text."""

    capa = models.ForeignKey(Capa, on_delete=models.CASCADE, related_name="sources")
    kind = models.CharField(_("source"), max_length=20, choices=CapaSourceKind.choices)
    feedback = models.ForeignKey(
        "feedback.Feedback", verbose_name=_("complaint"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="capa_sources",
    )
    # An audit finding, a review decision, a surge or Pareto finding, until those are records.
    reference = models.CharField(_("reference"), max_length=200, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["capa", "feedback"], condition=Q(feedback__isnull=False),
                name="capasource_case_once",
            ),
            models.CheckConstraint(
                condition=Q(kind="complaint", feedback__isnull=False)
                | (~Q(kind="complaint") & Q(feedback__isnull=True)),
                name="capasource_case_iff_complaint",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.capa_id} ← {self.kind} {self.feedback_id or self.reference}"


class CapaWhy(models.Model):
    """One row of a 5-whys analysis, in order (1–5)."""

    capa = models.ForeignKey(Capa, on_delete=models.CASCADE, related_name="whys")
    position = models.PositiveSmallIntegerField()
    why = models.TextField(_("why"))
    because = models.TextField(_("because"))

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["capa", "position"], name="capawhy_position_once"),
            models.CheckConstraint(
                condition=Q(position__gte=1, position__lte=5), name="capawhy_position_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.capa_id} why {self.position}"


class CapaAction(models.Model):
    capa = models.ForeignKey(Capa, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField(_("action"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT,
        related_name="capa_actions",
    )
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=8, choices=CapaActionStatus.choices,
        default=CapaActionStatus.OPEN,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("done by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    # Set once the owner was alerted that the action is overdue (once per action).
    overdue_alerted_at = models.DateTimeField(_("overdue alert sent"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["due_on"],
                condition=Q(status="open", overdue_alerted_at__isnull=True),
                name="capaaction_overdue_watch",
            )
        ]

    def __str__(self) -> str:
        return f"{self.capa_id} action {self.pk}"


class CapaCheck(models.Model):
    """An effectiveness check; the latest one decides whether the CAPA may close."""

    capa = models.ForeignKey(Capa, on_delete=models.CASCADE, related_name="checks")
    result = models.CharField(_("result"), max_length=12, choices=CheckResult.choices)
    notes = models.TextField(_("notes"), blank=True)
    # The measured criterion as it was evaluated when the check was recorded.
    measured = models.JSONField(default=dict, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("checked by"), on_delete=models.PROTECT,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("checked at"))

    class Meta:
        ordering = ["checked_at", "id"]

    def __str__(self) -> str:
        return f"{self.capa_id} {self.result}"
