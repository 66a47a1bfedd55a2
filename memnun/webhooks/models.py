"""Webhook subscriptions and the log of every delivery attempt."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WebhookEvent(models.TextChoices):
    RECORDED = "feedback.recorded", _("Feedback recorded")
    STAGE_CHANGED = "feedback.stage_changed", _("Stage changed")
    RESOLVED = "feedback.resolved", _("Resolved")
    CLOSED = "feedback.closed", _("Closed")
    CUSTOMER_ANSWERED = "feedback.customer_answered", _("Customer answered")


class WebhookSubscription(models.Model):
    """An integrator's endpoint and the events it receives; written in the admin."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    url = models.URLField(_("URL"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    # Shown once, when the subscription is created (the admin's message); signs every body.
    secret = models.CharField(_("secret"), max_length=128)
    active = models.BooleanField(_("active"), default=True)
    allow_personal_data = models.BooleanField(
        _("may receive personal data"), default=False,
        help_text=_("Include the customer's name, e-mail and phone in payloads; each "
                    "delivery is then recorded as a disclosure of the case."),
    )
    # Failed deliveries in a row; a success sets it back to 0.
    failure_count = models.PositiveIntegerField(_("failures in a row"), default=0)
    disabled_at = models.DateTimeField(_("disabled at"), null=True, blank=True)
    disabled_reason = models.CharField(_("why disabled"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(models.Model):
    """One attempt to deliver one event to one subscription (the outbox row is `message_id`)."""

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries",
        verbose_name=_("subscription"),
    )
    message_id = models.BigIntegerField(_("outbox message"), db_index=True)
    event = models.CharField(_("event"), max_length=40, choices=WebhookEvent.choices)
    event_id = models.CharField(_("event id"), max_length=64)
    payload = models.TextField(_("payload"))
    attempt = models.PositiveIntegerField(_("attempt"))
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    response_excerpt = models.CharField(_("response"), max_length=500, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("tried at"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription_id} #{self.attempt}"
