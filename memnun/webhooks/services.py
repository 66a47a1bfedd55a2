"""The webhooks' writers: queue events, log attempts, disable, redeliver, (re)enable.

Queueing runs in the transaction of the case change (the audit signal's); the
other writers run in the worker (the channel's attempts) or in the admin.
"""

from __future__ import annotations

import json
import secrets
from datetime import datetime
from ipaddress import ip_address
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from memnun.accounts.models import User
from memnun.accounts.roles import Role
from memnun.audit.chain import audit_record
from memnun.audit.models import AuditEvent
from memnun.configcache import config_get, config_watch
from memnun.feedback.models import Feedback
from memnun.notifications.models import MessageChannel, OutboundMessage
from memnun.notifications.outbox import message_queue
from memnun.notifications.rendering import language_of
from memnun.webhooks.events import ANSWERS, body_text, event_id, events_for, payload_body
from memnun.webhooks.models import WebhookDelivery, WebhookEvent, WebhookSubscription

SOURCE_TYPE = "webhook"
CALLBACK = "memnun.webhooks.tasks.webhook_delivered"
_EXCERPT = 500


def url_refusal(url: str) -> str:
    """Why a subscription may not post to `url`, or "" when it may.

    HTTPS only: the body may carry personal data and the signature does not hide it.
    Plain http only to a loopback address, and only in the test settings (the tests'
    receiver)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return ""
    if parts.scheme == "http" and settings.TESTING and parts.hostname:
        try:
            if parts.hostname == "localhost" or ip_address(parts.hostname).is_loopback:
                return ""
        except ValueError:
            pass
    return _("The address must start with https://.")


def _customer(feedback: Feedback) -> dict[str, str]:
    customer = feedback.customer
    return {"name": customer.name, "email": customer.email, "phone": customer.phone}


MASK = "•" * 4

config_watch(WebhookSubscription)


def body_for_log(text: str) -> str:
    """The body as the delivery log keeps it: the customer's details (when it carried
    them) masked, so the log outlives neither a case's anonymisation nor its period."""
    body = json.loads(text)
    if isinstance(body.get("customer"), dict):
        body["customer"] = {key: MASK if value else "" for key, value in body["customer"].items()}
    return body_text(body)


def _active_subscriptions() -> tuple[tuple[int, frozenset[str]], ...]:
    """Who subscribes to what, through the configuration cache: every intake and stage
    change asks, and almost always the answer is "nobody". A subscription disabled in
    the last TTL may still be queued a delivery; the channel drops it at send time."""
    return config_get(("webhooks", "active"), lambda: tuple(
        (pk, frozenset(events)) for pk, events in
        WebhookSubscription.objects.filter(active=True).values_list("pk", "events")
    ))


def webhook_emit(*, event: AuditEvent) -> list[OutboundMessage]:
    """Queue the webhooks an audit event is, one per active subscription to each event.

    In the audit event's transaction: they are sent only if the change commits."""
    names = events_for(action=event.action, object_type=event.object_type, data=event.data)
    if not names:
        return []
    wanted = [pk for pk, events in _active_subscriptions() if events & set(names)]
    if not wanted:
        return []
    subscriptions = list(WebhookSubscription.objects.filter(pk__in=wanted, active=True))
    if not subscriptions:
        return []
    feedback = (Feedback.objects.select_related("office", "customer")
                .filter(reference=event.object_id).first())
    if feedback is None:
        return []
    extra: dict[str, str] = {}
    if event.action in ANSWERS:
        extra["answer"] = ANSWERS[event.action]
    before = event.data.get("before")
    if isinstance(before, dict) and before.get("status"):
        extra["previous_status"] = str(before["status"])
    queued = []
    for name in names:
        identifier = event_id(audit_event=event.pk, event=name)
        for subscription in subscriptions:
            if name not in subscription.events:
                continue
            personal = subscription.allow_personal_data
            body = payload_body(
                event=name, id=identifier, occurred_at=event.at, reference=feedback.reference,
                status=feedback.status, office=feedback.office.code, channel=feedback.channel,
                type=feedback.type, extra=extra,
                customer=_customer(feedback) if personal else None,
            )
            queued.append(_queue(subscription, name, body, feedback,
                                 key=f"webhook:{subscription.pk}:{identifier}"))
    return queued


def _queue(subscription: WebhookSubscription, event: str, body: str, feedback: Feedback,
           *, key: str) -> OutboundMessage:
    personal = subscription.allow_personal_data
    return message_queue(
        channel=MessageChannel.WEBHOOK, kind=event, recipient=subscription.url[:254],
        language="", subject=event, text=body, idempotency_key=key,
        source_type=SOURCE_TYPE, source_id=str(subscription.pk),
        # A body with the customer's data becomes a disclosure once delivered, and the
        # outbox's copy is masked then (as a tracking code is).
        callback_task=CALLBACK if personal else "",
        redact=[v for v in _customer(feedback).values() if v] if personal else (),
    )


def body_to_send(text: str) -> str:
    """The queued body with the customer's details as the case holds them now: a
    correction or an anonymisation between queueing and sending is respected."""
    body = json.loads(text)
    if "customer" not in body:
        return text
    feedback = (Feedback.objects.select_related("customer")
                .filter(reference=body.get("reference", "")).first())
    body["customer"] = (_customer(feedback) if feedback is not None
                        else dict.fromkeys(("name", "email", "phone"), ""))
    return body_text(body)


def delivery_log(
    *, subscription: WebhookSubscription, message: OutboundMessage, status_code: int | None,
    response: str, error: str, delivered: bool,
) -> bool:
    """Log one attempt and count it; return whether the subscription was disabled by it.

    A success sets the count of failures in a row back to zero; the
    `MEMNUN_WEBHOOK_FAILURE_LIMIT`th failure in a row disables the subscription."""
    now = timezone.now()
    payload = json.loads(message.text)
    with transaction.atomic():
        WebhookDelivery.objects.create(
            subscription=subscription, message_id=message.pk, event=message.kind,
            event_id=str(payload.get("id", "")), payload=body_for_log(message.text),
            attempt=message.attempts,
            status_code=status_code, response_excerpt=response[:_EXCERPT],
            error=error[:_EXCERPT], created_at=now, delivered_at=now if delivered else None,
        )
        if delivered:
            WebhookSubscription.objects.filter(pk=subscription.pk).update(failure_count=0)
            return False
        WebhookSubscription.objects.filter(pk=subscription.pk).update(
            failure_count=F("failure_count") + 1
        )
        locked = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
        if locked.active and locked.failure_count >= settings.MEMNUN_WEBHOOK_FAILURE_LIMIT:
            subscription_disable(
                subscription=locked, at=now,
                reason=f"{locked.failure_count} failed deliveries in a row; last: "
                       f"{error or status_code}",
            )
            return True
    return False


def _alert_recipients() -> list[User]:
    return list(User.objects.filter(is_active=True, role__in=[Role.ADMIN, Role.QUALITY])
                .exclude(email="").order_by("id"))


def subscription_disable(*, subscription: WebhookSubscription, at: datetime, reason: str) -> None:
    """Stop posting to a failing endpoint and tell the administrators and quality managers
    by e-mail (the outbox, like every staff alert). In the caller's transaction."""
    subscription.active = False
    subscription.disabled_at = at
    subscription.disabled_reason = reason[:500]
    subscription.save(update_fields=["active", "disabled_at", "disabled_reason"])
    audit_record(
        actor="", action="webhook.disabled", object_type="webhook_subscription",
        object_id=str(subscription.pk),
        data={"failures": subscription.failure_count, "name": subscription.name},
    )
    language = language_of(settings.LANGUAGE_CODE)
    with translation.override(language):
        subject = _("Webhook “%(name)s” disabled") % {"name": subscription.name}
        text = _(
            "The webhook subscription “%(name)s” failed %(count)s times in a row and was "
            "disabled; no more events are sent to it.\n\nLast error: %(reason)s\n\n"
            "Fix the receiving end, then tick “active” again in the administration: "
            "%(url)s\n"
        ) % {"name": subscription.name, "count": subscription.failure_count,
             "reason": reason,
             "url": f"{settings.PUBLIC_URL}/admin/webhooks/webhooksubscription/"
                    f"{subscription.pk}/change/"}
    stamp = int(at.timestamp())
    for user in _alert_recipients():
        message_queue(
            channel=MessageChannel.EMAIL, kind="webhook_disabled", recipient=user.email,
            language=language, subject=subject, text=text,
            idempotency_key=f"staff:{user.pk}:webhook:{subscription.pk}:disabled:{stamp}",
            source_type="webhook_subscription", source_id=str(subscription.pk),
        )


def subscription_enable(*, subscription: WebhookSubscription, actor: str) -> None:
    """Ticked active again: start counting failures afresh."""
    with transaction.atomic():
        WebhookSubscription.objects.filter(pk=subscription.pk).update(
            active=True, failure_count=0, disabled_at=None, disabled_reason=""
        )
        audit_record(actor=actor, action="webhook.enabled", object_type="webhook_subscription",
                     object_id=str(subscription.pk), data={"name": subscription.name})


def webhook_redeliver(*, delivery: WebhookDelivery, actor: str) -> OutboundMessage | None:
    """Send a logged delivery's event again, as a new outbox message with the same event
    (the same id: the receiver can tell it is a repeat). The customer's details are read
    afresh, and only if the subscription may receive them now. None when the subscription
    is disabled (enable it first) or the case is gone."""
    subscription = delivery.subscription
    if not subscription.active:
        return None
    body = json.loads(delivery.payload)
    body.pop("customer", None)
    feedback = (Feedback.objects.select_related("customer")
                .filter(reference=body.get("reference", "")).first())
    if feedback is None:
        return None
    if subscription.allow_personal_data:
        body["customer"] = _customer(feedback)
    text = body_text(body)
    with transaction.atomic():
        message = _queue(subscription, delivery.event, text, feedback,
                         key=f"webhook:{subscription.pk}:{delivery.event_id}:"
                             f"again:{secrets.token_hex(8)}")
        audit_record(actor=actor, action="webhook.redelivered",
                     object_type="webhook_subscription", object_id=str(subscription.pk),
                     data={"delivery": delivery.pk, "message": message.pk,
                           "event": delivery.event})
    return message


def subscription_events_valid(events: list[str]) -> bool:
    return bool(events) and all(e in WebhookEvent.values for e in events)
