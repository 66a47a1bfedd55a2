"""Feedback, its customer, attachments and stage history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from memnun.feedback.codes import (
    AckMethod,
    AlertKind,
    Channel,
    ContactMethod,
    FeedbackType,
    Language,
    ObligationKind,
    Status,
)


class ReferenceCounter(models.Model):
    """The last reference sequence given out in a year; its row lock orders allocation."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Customer(models.Model):
    """The person who gave the feedback. Kept apart so that it can be erased or masked."""

    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True, db_index=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, db_index=True)  # E.164
    preferred_contact = models.CharField(
        _("preferred contact"), max_length=8, choices=ContactMethod.choices, blank=True
    )
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.TURKISH
    )
    # Turkish-aware folded name, for search.
    name_folded = models.CharField(max_length=200, blank=True, db_index=True)

    def __str__(self) -> str:
        return self.name or self.email or self.phone or f"customer {self.pk}"


class Feedback(models.Model):
    reference = models.CharField(_("reference number"), max_length=20, unique=True)
    tracking_code_hash = models.CharField(max_length=64)
    type = models.CharField(_("type"), max_length=16, choices=FeedbackType.choices)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    office = models.ForeignKey(
        "organisation.Office", verbose_name=_("office"), on_delete=models.PROTECT
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.CREATED
    )
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"))
    remedy_sought = models.TextField(_("remedy sought"), blank=True)
    brand = models.ForeignKey(
        "organisation.Brand", verbose_name=_("brand"), on_delete=models.PROTECT,
        null=True, blank=True,
    )
    product = models.CharField(_("product"), max_length=200, blank=True)
    device_serial = models.CharField(_("device serial"), max_length=64, blank=True)
    imei = models.CharField(_("IMEI"), max_length=15, blank=True, db_index=True)
    repair_order = models.CharField(_("repair order"), max_length=64, blank=True)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="feedback")
    received_at = models.DateTimeField(_("received at"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    privacy_notice_version = models.CharField(max_length=32)
    consent_third_party_sharing = models.BooleanField(default=False)
    # Acknowledgement obligation (ele alındı bilgisi).
    ack_due_at = models.DateTimeField(_("acknowledgement due"), null=True, blank=True)
    ack_sent_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    ack_method = models.CharField(max_length=16, choices=AckMethod.choices, blank=True)
    # Set by the initial assessment; a safety category shortens the resolution target.
    category = models.ForeignKey(
        "organisation.Category", verbose_name=_("category"), on_delete=models.PROTECT,
        null=True, blank=True,
    )
    # The earliest open obligation, copied here by the obligation services so that
    # the fair queue is one indexed query. Empty when nothing is due (all met or paused).
    next_due_at = models.DateTimeField(_("next due"), null=True, blank=True)
    next_due_kind = models.CharField(
        _("next due obligation"), max_length=16, choices=ObligationKind.choices, blank=True
    )
    # When that obligation's lead warning falls: the desk shows the case "at risk" from then.
    next_warn_at = models.DateTimeField(_("at risk from"), null=True, blank=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        indexes = [
            models.Index(fields=["office", "status", "received_at"]),
            # The fair queue (selectors_queue.py): open cases only, in queue order,
            # per office and across offices.
            models.Index(
                fields=["office", "next_due_at", "received_at", "id"],
                condition=~Q(status="closed"),
                name="feedback_queue_office",
            ),
            models.Index(
                fields=["next_due_at", "received_at", "id"],
                condition=~Q(status="closed"),
                name="feedback_queue_all",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def ack_on_time(self) -> bool | None:
        if self.ack_sent_at is None or self.ack_due_at is None:
            return None
        return self.ack_sent_at <= self.ack_due_at


class Obligation(models.Model):
    """A promise with a deadline that a case owes: acknowledge, respond, resolve, update.

    The deadline follows a service target on the office's business calendar from
    `started_at`, pushed back by the business time the case spent paused
    (waiting for the customer). Written only by `services/obligations.py`.
    """

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="obligations")
    kind = models.CharField(_("obligation"), max_length=16, choices=ObligationKind.choices)
    # The service target that set the deadline, e.g. "ack:fax" or "resolution:safety".
    target_key = models.CharField(_("service target"), max_length=100)
    started_at = models.DateTimeField(_("clock started"))
    due_at = models.DateTimeField(_("due"))
    warn_at = models.DateTimeField(_("warn from"))
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    warned_at = models.DateTimeField(_("lead warned at"), null=True, blank=True)
    breached_at = models.DateTimeField(_("missed at"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    paused_since = models.DateTimeField(_("paused since"), null=True, blank=True)
    # Business seconds spent paused in earlier pauses; already added to due_at.
    paused_seconds = models.PositiveIntegerField(_("paused (business seconds)"), default=0)

    class Meta:
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")
        constraints = [
            models.UniqueConstraint(fields=["feedback", "kind"], name="obligation_once_per_kind")
        ]
        indexes = [
            # The breach watch looks only at running clocks.
            models.Index(
                fields=["due_at"],
                condition=Q(met_at__isnull=True, breached_at__isnull=True),
                name="obligation_breach_watch",
            ),
            models.Index(
                fields=["warn_at"],
                condition=Q(met_at__isnull=True, warned_at__isnull=True),
                name="obligation_warn_watch",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.feedback_id} {self.kind} due {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def on_time(self) -> bool | None:
        """Whether it was met by its deadline; None while it is still open."""
        if self.met_at is None:
            return None
        return self.met_at <= self.due_at

    @property
    def is_open(self) -> bool:
        return self.met_at is None


class StaffAlert(models.Model):
    """A message owed to a member of staff about a case (deadline at risk or missed).

    Delivered later by the notifications worker, and never outside the
    recipient's business hours: `deliver_after` is the next opening after it was
    raised, and `alerts_deliverable` checks the hours again at delivery time.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE,
        related_name="alerts",
    )
    kind = models.CharField(_("kind"), max_length=24, choices=AlertKind.choices)
    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="alerts")
    obligation = models.ForeignKey(
        Obligation, on_delete=models.CASCADE, related_name="alerts", null=True, blank=True
    )
    created_at = models.DateTimeField(_("raised at"))
    deliver_after = models.DateTimeField(_("deliver from"))
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("staff alert")
        verbose_name_plural = _("staff alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "obligation", "kind"], name="staffalert_once"
            )
        ]
        indexes = [
            models.Index(
                fields=["deliver_after"],
                condition=Q(delivered_at__isnull=True),
                name="staffalert_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id} about {self.feedback_id}"


class StageChange(models.Model):
    """The customer-visible timeline: every status the case entered, and when."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="stages")
    status = models.CharField(max_length=16, choices=Status.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.feedback_id} → {self.status}"


def _attachment_path(instance: Attachment, filename: str) -> str:
    # Stored under a random name: the customer's file name is kept only in the row.
    return f"attachments/{instance.sha256[:2]}/{instance.sha256}"


class Attachment(models.Model):
    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.filename
