"""Every e-mail that reached us, what became of it, and the files it carried."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class InboundStatus(models.TextChoices):
    CREATED = "created", _("Recorded as new feedback")
    THREADED = "threaded", _("Added to a case")
    IGNORED = "ignored", _("Ignored (automatic reply, bounce or loop)")
    REJECTED = "rejected", _("Could not be recorded")


class InboundMessage(models.Model):
    """One received e-mail, stored once per Message-ID (a second delivery is a no-op).

    A customer's reply to a case is kept here, linked to the case, for staff to
    read (the lifecycle's customer-visible case messages come later).
    """

    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    status = models.CharField(_("status"), max_length=8, choices=InboundStatus.choices)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    feedback = models.ForeignKey(
        "feedback.Feedback", verbose_name=_("feedback"), on_delete=models.CASCADE,
        null=True, blank=True, related_name="inbound_messages",
    )
    from_address = models.CharField(_("from"), max_length=254, blank=True)
    from_name = models.CharField(_("sender's name"), max_length=200, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    text = models.TextField(_("text"), blank=True)
    html_only = models.BooleanField(_("HTML only (cleaned to text)"), default=False)
    sent_at = models.DateTimeField(_("sent at (Date header)"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    notes = models.JSONField(_("notes"), default=list, blank=True)
    size = models.PositiveIntegerField(_("size"), default=0)
    source = models.CharField(_("arrived by"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("inbound e-mail")
        verbose_name_plural = _("inbound e-mails")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["feedback", "received_at"], name="mailin_case")]

    def __str__(self) -> str:
        return f"{self.message_id} ({self.status})"


def _attachment_path(instance: InboundAttachment, filename: str) -> str:
    return f"mailin/{instance.sha256[:2]}/{instance.sha256}"


class InboundAttachment(models.Model):
    """A file from a customer's reply, of a type we accept (checked by its bytes)."""

    message = models.ForeignKey(
        InboundMessage, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=_attachment_path)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    def __str__(self) -> str:
        return self.filename
