"""The management review (ISO 10002 8.6, R8.6): a meeting of top management over a period's
review pack, who attended, the pack itself (stored, with its hash), and the decisions
taken, each with its resulting action (a CAPA opened for it, or an objective changed)
and whether it is done. `services/management_review.py` is the only writer.

It lives in feedback, beside the CAPA register and the objectives its decisions link to
(governance sits below feedback and may not point up at them).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")


class PackStatus(models.TextChoices):
    NONE = "none", _("Not made yet")
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Being made")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class DecisionAction(models.TextChoices):
    """What a decision sets going."""

    CAPA = "capa", _("A CAPA (DÖF) opened for it")
    OBJECTIVE = "objective", _("An objective changed")
    NONE = "none", _("No further action")


class DecisionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class ManagementReview(models.Model):
    meeting_on = models.DateField(_("meeting date"))
    period_from = models.DateField(_("period from"))
    period_to = models.DateField(_("period to"))
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("attendees"), blank=True, related_name="+",
    )
    other_attendees = models.TextField(_("other attendees"), blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT,
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
    # The pack: two files under MEDIA_ROOT (never served directly), each with its SHA-256.
    pack_status = models.CharField(
        _("pack"), max_length=8, choices=PackStatus.choices, default=PackStatus.NONE,
    )
    pack_done = models.PositiveSmallIntegerField(_("sections made"), default=0)
    pack_total = models.PositiveSmallIntegerField(_("sections in all"), default=0)
    pack_language = models.CharField(_("pack language"), max_length=2, blank=True)
    pack_pdf = models.CharField(_("pack (PDF)"), max_length=200, blank=True)
    pack_pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True)
    pack_xlsx = models.CharField(_("pack (XLSX)"), max_length=200, blank=True)
    pack_xlsx_sha256 = models.CharField(_("XLSX SHA-256"), max_length=64, blank=True)
    pack_made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("pack made by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    pack_made_at = models.DateTimeField(_("pack made at"), null=True, blank=True)

    class Meta:
        verbose_name = _("management review")
        verbose_name_plural = _("management reviews")
        ordering = ["-meeting_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_to__gte=models.F("period_from")),
                name="review_period_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved")
                | Q(approved_by__isnull=False, approved_at__isnull=False),
                name="review_approval_recorded",
            ),
        ]

    def __str__(self) -> str:
        return f"review {self.meeting_on} ({self.period_from}–{self.period_to})"


class ReviewDecision(models.Model):
    review = models.ForeignKey(
        ManagementReview, on_delete=models.CASCADE, related_name="decisions",
    )
    text = models.TextField(_("decision"))
    action = models.CharField(
        _("resulting action"), max_length=10, choices=DecisionAction.choices,
        default=DecisionAction.NONE,
    )
    capa = models.ForeignKey(
        "feedback.Capa", verbose_name=_("CAPA"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="review_decisions",
    )
    objective = models.ForeignKey(
        "feedback.Objective", verbose_name=_("objective"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="review_decisions",
    )
    status = models.CharField(
        _("status"), max_length=4, choices=DecisionStatus.choices, default=DecisionStatus.OPEN,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("done by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("review decision")
        verbose_name_plural = _("review decisions")
        ordering = ["recorded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(action="capa") & Q(capa__isnull=False, objective__isnull=True))
                | (Q(action="objective") & Q(objective__isnull=False, capa__isnull=True))
                | (Q(action="none") & Q(capa__isnull=True, objective__isnull=True)),
                name="reviewdecision_action_has_its_link",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.review_id} decision {self.pk}"
