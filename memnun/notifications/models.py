"""The outbox, administrator-edited message templates, and the letters waiting to be printed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MessageChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    LETTER = "letter", _("Letter")
    # A signed HTTP POST to an integrator (memnun.webhooks registers the channel).
    WEBHOOK = "webhook", _("Webhook")


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed, will retry")
    DEAD = "dead", _("Failed for good")


# Rows a worker may claim (when their next_attempt_at has come).
DUE_STATUSES = (MessageStatus.PENDING, MessageStatus.FAILED)
# The backlog: messages not yet out, whether due now, backing off or being sent.
BACKLOG_STATUSES = (*DUE_STATUSES, MessageStatus.SENDING)


class OutboundMessage(models.Model):
    """One message to one recipient, rendered when queued, delivered by the worker.

    Written in the transaction of the change that causes it (`outbox.message_queue`),
    claimed by one worker at a time (`delivery.claim_batch`). `source_type`/`source_id`
    and `thread_key` are opaque here: the caller's way to find its messages again.
    """

    channel = models.CharField(_("channel"), max_length=8, choices=MessageChannel.choices)
    kind = models.CharField(_("kind"), max_length=32)
    recipient = models.CharField(_("recipient"), max_length=254)
    language = models.CharField(_("language"), max_length=8)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    text = models.TextField(_("text"))
    html = models.TextField(_("HTML"), blank=True)
    reply_to = models.CharField(_("reply to"), max_length=254, blank=True)
    headers = models.JSONField(_("extra headers"), default=dict, blank=True)
    thread_key = models.CharField(_("thread"), max_length=40, blank=True, db_index=True)
    # RFC 5322 Message-ID, the same on every attempt: a duplicate is recognisable.
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    status = models.CharField(
        _("status"), max_length=8, choices=MessageStatus.choices, default=MessageStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    provider_message_id = models.CharField(_("provider's id"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now)
    # When the mail server or provider accepted it (for a letter: when it was queued to print).
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    source_type = models.CharField(_("source type"), max_length=32, blank=True)
    source_id = models.CharField(_("source id"), max_length=64, blank=True)
    # A task path, enqueued with (message_id, outcome, at) when the message is sent or dead.
    callback_task = models.CharField(_("callback task"), max_length=200, blank=True)
    # Secrets in the text (a tracking code) that are masked once the message is sent.
    redact = models.JSONField(default=list, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("outbound message")
        verbose_name_plural = _("outbound messages")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The worker's claim: only rows waiting to go, oldest due first.
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=Q(status__in=["pending", "failed"]),
                name="outbox_due",
            ),
            # Lease recovery: only rows being sent.
            models.Index(
                fields=["lease_until"], condition=Q(status="sending"), name="outbox_leased"
            ),
            models.Index(fields=["source_type", "source_id", "created_at"], name="outbox_source"),
            # Dead letters, counted by every readiness probe: a few rows among the sent.
            models.Index(fields=["id"], condition=Q(status="dead"), name="outbox_dead"),
        ]

    def __str__(self) -> str:
        # Not the recipient: this text shows in admin titles, breadcrumbs and its log.
        return f"{self.kind} {self.channel} #{self.pk} ({self.status})"


class MessageTemplate(models.Model):
    """An administrator's wording of a message kind in one language, used instead of the file.

    Rendered in a sandbox (no custom tags, no includes, plain values only); empty
    fields fall back to the built-in template.
    """

    kind = models.CharField(_("kind"), max_length=32)
    language = models.CharField(
        _("language"), max_length=8, choices=[("tr", _("Turkish")), ("en", _("English"))]
    )
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    text = models.TextField(_("plain text"), blank=True)
    html = models.TextField(_("HTML"), blank=True)
    sms = models.TextField(_("SMS"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        ordering = ["kind", "language"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "language"], name="message_template_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.language})"


def _letter_path(instance: Letter, filename: str) -> str:
    return f"letters/{timezone.localtime(instance.created_at):%Y/%m}/{filename}"


class Letter(models.Model):
    """A postal letter as a PDF, stored privately, waiting to be printed and posted."""

    message = models.OneToOneField(
        OutboundMessage, on_delete=models.PROTECT, related_name="letter"
    )
    file = models.FileField(upload_to=_letter_path)
    pages = models.PositiveSmallIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    printed_at = models.DateTimeField(_("printed at"), null=True, blank=True)
    printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["created_at"], condition=Q(printed_at__isnull=True), name="letter_to_print"
            )
        ]

    def __str__(self) -> str:
        return f"letter {self.message.thread_key or self.message_id}"
