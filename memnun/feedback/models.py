"""Feedback, its customer, attachments and stage history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from memnun.feedback.codes import (
    AckMethod,
    Channel,
    ContactMethod,
    FeedbackType,
    Language,
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

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        indexes = [models.Index(fields=["office", "status", "received_at"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def ack_on_time(self) -> bool | None:
        if self.ack_sent_at is None or self.ack_due_at is None:
            return None
        return self.ack_sent_at <= self.ack_due_at


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
