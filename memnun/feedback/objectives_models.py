"""Objectives (ISO 10002 R6.2): a figure of the metric catalogue held to a target.

An objective names a metric by its catalogue code (`selectors/reports/catalogue.py`),
a target and whether the figure should be at least or at most it, over a period
unit (month or quarter), for the whole organisation or one office and/or brand.
Quality managers draft objectives; top management approves them, and only an
approved objective is measured (`selectors/reports/objectives.py`). The only
writers are `services/objectives.py`.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from memnun.organisation.models import Brand, Office


class Direction(models.TextChoices):
    AT_LEAST = "at_least", _("at least")
    AT_MOST = "at_most", _("at most")

    @property
    def symbol(self) -> str:
        """≥ or ≤, as a target is written beside its figure."""
        return "≥" if self is Direction.AT_LEAST else "≤"


class PeriodUnit(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")


class ObjectiveStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    RETIRED = "retired", _("Retired")


class Objective(models.Model):
    metric = models.CharField(_("metric"), max_length=100)  # a catalogue code
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    period_unit = models.CharField(_("period"), max_length=8, choices=PeriodUnit.choices)
    office = models.ForeignKey(
        Office, verbose_name=_("office"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    brand = models.ForeignKey(
        Brand, verbose_name=_("brand"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=8, choices=ObjectiveStatus.choices, default=ObjectiveStatus.DRAFT,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("approved by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    retired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("retired by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    class Meta:
        ordering = ["metric", "id"]
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        constraints = [
            # An approved objective says who approved it and when (R6.2: management approves).
            models.CheckConstraint(
                condition=~Q(status=ObjectiveStatus.APPROVED)
                | Q(approved_by__isnull=False, approved_at__isnull=False),
                name="objective_approval_recorded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.get_direction_display()} {self.target}"

    def met_by(self, actual: Decimal) -> bool:
        """Whether a measured figure meets the target (the target itself meets it)."""
        if self.direction == Direction.AT_LEAST:
            return actual >= self.target
        return actual <= self.target
