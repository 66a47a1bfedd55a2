"""The outbox's callback for a webhook that carried personal data: record the disclosure."""

from __future__ import annotations

import json
from datetime import datetime

from django.db import DatabaseError
from django_tasks import task

from memnun.feedback.models import Feedback
from memnun.feedback.privacy_codes import DataCategory
from memnun.feedback.services.disclosures import processor_disclosure_record
from memnun.jobs.retry import durable
from memnun.notifications.models import OutboundMessage
from memnun.webhooks.models import WebhookSubscription


def webhook_disclosure_record(*, message_id: int, at: datetime) -> bool:
    """A webhook with the customer's data reached its integrator: a disclosure of the case
    to that integrator (a processor acting for us), once per message."""
    message = OutboundMessage.objects.filter(pk=message_id).first()
    if message is None:
        return False
    body = json.loads(message.text)
    if "customer" not in body:
        return False
    feedback = Feedback.objects.filter(reference=body.get("reference", "")).first()
    subscription = WebhookSubscription.objects.filter(pk=message.source_id or 0).first()
    if feedback is None:
        return False
    name = subscription.name if subscription else message.recipient
    return processor_disclosure_record(
        feedback=feedback, message_id=message.pk, channel=message.channel, at=at,
        recipient=f"Webhook: {name}", data=[DataCategory.CONTACT.value],
        purpose=f"webhook {message.kind}",
    ) is not None


@durable(max_attempts=8, backoff_base=5, retry_on=(DatabaseError,))
@task()
def webhook_delivered(message_id: int, outcome: str, at: str) -> str:
    if outcome != "sent":
        return "not delivered"
    recorded = webhook_disclosure_record(message_id=message_id, at=datetime.fromisoformat(at))
    return "disclosure recorded" if recorded else "nothing to record"
