"""The escalation ladder's configuration, each escalation of a case, and the consistency
checks (RA-flow, RA-obj). `services/escalation.py` and `services/consistency.py` are the
only writers; `feedback/escalation.py` reads the ladder."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from memnun.accounts.roles import Role
from memnun.feedback.escalation_codes import EscalationReason, ExternalBody

# The roles a level may ask for, lowest first (the auditor and the administrator decide nothing).
LADDER_ROLES = (Role.AGENT, Role.HANDLER, Role.REVIEWER, Role.QUALITY, Role.MANAGEMENT)


class EscalationLevel(models.Model):
    """One rung: a case at this escalation level needs its next decision from at least
    `minimum_role`; a level without one is external recourse (no internal role decides
    there: the case records that the customer was pointed to, or took it to, that body).

    Editable in the admin; the defaults are seeded by a migration. A blank name shows the
    default name of the code, translated.
    """

    order = models.PositiveSmallIntegerField(_("level"), unique=True)
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name_tr = models.CharField(_("name (Turkish)"), max_length=100, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    minimum_role = models.CharField(
        _("minimum role"), max_length=16, blank=True,
        choices=[(role.value, role.label) for role in LADDER_ROLES],
        help_text=_("Blank: external recourse, no internal role decides at this level."),
    )

    class Meta:
        ordering = ["order"]
        verbose_name = _("escalation level")
        verbose_name_plural = _("escalation levels")

    def __str__(self) -> str:
        return f"{self.order}: {self.code}"

    def clean(self) -> None:
        """The roles never fall as the levels rise (external levels aside)."""
        if not self.minimum_role:
            return
        rank = LADDER_ROLES.index(Role(self.minimum_role))
        others = EscalationLevel.objects.exclude(pk=self.pk).exclude(minimum_role="")
        below = [LADDER_ROLES.index(Role(r)) for r in
                 others.filter(order__lt=self.order).values_list("minimum_role", flat=True)]
        above = [LADDER_ROLES.index(Role(r)) for r in
                 others.filter(order__gt=self.order).values_list("minimum_role", flat=True)]
        if (below and rank < max(below)) or (above and rank > min(above)):
            raise ValidationError({"minimum_role": _(
                "The roles cannot fall as the levels rise: a level asks for at least the role"
                " of the levels below it and at most the role of those above it."
            )})


class Escalation(models.Model):
    """A case going up the ladder, with its reason; every one is kept and audited."""

    feedback = models.ForeignKey(
        "feedback.Feedback", on_delete=models.CASCADE, related_name="escalations"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=EscalationReason.choices)
    from_level = models.PositiveSmallIntegerField(_("from level"))
    to_level = models.PositiveSmallIntegerField(_("to level"))
    # The words of a manual escalation or referral (the reopening's are its note).
    text = models.TextField(_("reason given"), blank=True)
    external_body = models.CharField(
        _("external body"), max_length=20, choices=ExternalBody.choices, blank=True
    )
    referred_on = models.DateField(_("referred on"), null=True, blank=True)
    # None when the customer rejected the resolution on the tracking page.
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["feedback", "at"], name="escalation_case_at")]

    def __str__(self) -> str:
        return f"{self.feedback_id}: {self.from_level} → {self.to_level} ({self.reason})"


class ConsistencyCheck(models.Model):
    """A reviewer's word that a group of similar closed cases was checked for equitability.

    The group is named by its category and root-cause category; `case_ids` are the cases it
    held when checked, so that a case added to the group since shows it unchecked again.
    """

    category = models.ForeignKey(
        "organisation.Category", verbose_name=_("category"), on_delete=models.PROTECT
    )
    root_cause_category = models.ForeignKey(
        "organisation.RootCauseCategory", verbose_name=_("root cause category"),
        on_delete=models.PROTECT,
    )
    case_ids = models.JSONField(default=list)
    comment = models.TextField(_("comment"))
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(_("checked at"))

    class Meta:
        ordering = ["-checked_at", "-id"]
        indexes = [
            models.Index(fields=["category", "root_cause_category"], name="consistency_group"),
        ]

    def __str__(self) -> str:
        return f"{self.category_id}/{self.root_cause_category_id} checked {self.checked_at}"
