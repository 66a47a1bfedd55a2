"""The internal process audit (R8.5, the source's "kontrol ve denetim"): a plan, the
closed cases sampled for it, the checklist result of each case and item, and the
findings. `services/process_audit.py` is the only writer."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from memnun.feedback.process_audit_codes import AuditStatus, ChecklistItem, FindingKind, Outcome


class AuditPlan(models.Model):
    title = models.CharField(_("title"), max_length=200)
    # The closed cases of this period (closed_at, Istanbul days, both included) are sampled.
    period_from = models.DateField(_("period from"))
    period_to = models.DateField(_("period to"))
    offices = models.ManyToManyField(
        "organisation.Office", verbose_name=_("offices"), related_name="+"
    )
    per_office = models.PositiveSmallIntegerField(_("cases per office"))
    per_handler = models.PositiveSmallIntegerField(_("cases per handler"))
    # The sampler's seed: the same seed draws the same sample from the same records.
    seed = models.PositiveIntegerField(_("seed"))
    status = models.CharField(
        _("status"), max_length=12, choices=AuditStatus.choices, default=AuditStatus.PLANNED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("planned by"), on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("planned at"))
    drawn_at = models.DateTimeField(_("sample drawn at"), null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("finished by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("process audit")
        verbose_name_plural = _("process audits")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_from__lte=models.F("period_to")), name="auditplan_period"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class AuditSample(models.Model):
    """One closed case drawn for a plan; the office and handler it was drawn for."""

    plan = models.ForeignKey(AuditPlan, on_delete=models.CASCADE, related_name="samples")
    feedback = models.ForeignKey(
        "feedback.Feedback", on_delete=models.PROTECT, related_name="audit_samples"
    )
    office = models.ForeignKey("organisation.Office", on_delete=models.PROTECT, related_name="+")
    # The case's assignee when it closed (None: it had none).
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "feedback"], name="auditsample_case_once"),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.feedback_id}"


class AuditCheck(models.Model):
    """A checklist item of a sampled case: what the records show, and what the auditor says."""

    sample = models.ForeignKey(AuditSample, on_delete=models.CASCADE, related_name="checks")
    item = models.CharField(_("item"), max_length=24, choices=ChecklistItem.choices)
    evaluated = models.CharField(_("from the records"), max_length=4, choices=Outcome.choices)
    evidence = models.TextField(_("evidence"))
    # The auditor's word: the same outcome (confirmed) or another (corrected), with a note.
    confirmed = models.CharField(
        _("auditor's outcome"), max_length=4, choices=Outcome.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["sample", "id"]
        constraints = [
            models.UniqueConstraint(fields=["sample", "item"], name="auditcheck_item_once"),
        ]

    def __str__(self) -> str:
        return f"{self.sample_id} {self.item}: {self.outcome}"

    @property
    def outcome(self) -> str:
        """The auditor's outcome once given, else the one evaluated from the records."""
        return self.confirmed or self.evaluated

    @property
    def corrected(self) -> bool:
        return bool(self.confirmed) and self.confirmed != self.evaluated


class AuditFinding(models.Model):
    plan = models.ForeignKey(AuditPlan, on_delete=models.CASCADE, related_name="findings")
    feedback = models.ForeignKey(
        "feedback.Feedback", verbose_name=_("case"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=FindingKind.choices)
    text = models.TextField(_("finding"))
    # A nonconformity opens a CAPA (services/capa.py) with the finding as its source.
    capa = models.ForeignKey(
        "feedback.Capa", verbose_name=_("CAPA"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="audit_findings",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="observation") | Q(capa__isnull=False),
                name="auditfinding_nonconformity_has_capa",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} of audit {self.plan_id}"
