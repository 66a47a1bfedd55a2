"""Which audit events are webhook events, and what a payload says (pure rules).

One table: an audit action about a case maps to the webhook events it is. A change of
status (any event whose data has a `before` and `after` status that differ: every move,
a merge, a rejected resolution) is `feedback.stage_changed`, and also
`feedback.resolved` or `feedback.closed` when it lands there.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from memnun.webhooks.models import WebhookEvent

E = WebhookEvent

# Audit actions that are events whatever their data.
_BY_ACTION: dict[str, tuple[WebhookEvent, ...]] = {
    "feedback.created": (E.RECORDED,),
    "feedback.resolution_accepted": (E.CUSTOMER_ANSWERED,),
    "feedback.resolution_rejected": (E.CUSTOMER_ANSWERED,),
    "feedback.question_answered": (E.CUSTOMER_ANSWERED,),
}
# What the customer answered, in `customer_answered` payloads.
ANSWERS = {
    "feedback.resolution_accepted": "resolution_accepted",
    "feedback.resolution_rejected": "resolution_rejected",
    "feedback.question_answered": "question_answered",
}
_LANDING: dict[str, WebhookEvent] = {"resolved": E.RESOLVED, "closed": E.CLOSED}


def _status(data: Mapping[str, Any], side: str) -> str | None:
    part = data.get(side)
    return part.get("status") if isinstance(part, dict) else None


def events_for(*, action: str, object_type: str, data: Mapping[str, Any]) -> list[WebhookEvent]:
    """The webhook events an audit event is (none for most)."""
    if object_type != "feedback":
        return []
    events = list(_BY_ACTION.get(action, ()))
    before, after = _status(data, "before"), _status(data, "after")
    if action != "feedback.created" and before and after and before != after:
        events.append(E.STAGE_CHANGED)
        if after in _LANDING:
            events.append(_LANDING[after])
    return events


def event_id(*, audit_event: int, event: str) -> str:
    """Stable and opaque: the same audit event and event name give the same id, so a
    receiver can drop a redelivery or a duplicate by it. From the event's row id, not
    its hash: on PostgreSQL the chain seals an event only after its transaction commits."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"memnun:audit-event:{audit_event}:{event}"))


def payload_body(
    *, event: str, id: str, occurred_at: datetime, reference: str, status: str, office: str,
    channel: str, type: str, extra: Mapping[str, Any] | None = None,
    customer: Mapping[str, str] | None = None,
) -> str:
    """The JSON body, compact and with sorted keys. `customer` only when the subscription
    may receive personal data."""
    body: dict[str, Any] = {
        "event": event, "id": id, "occurred_at": occurred_at.isoformat(),
        "reference": reference, "status": status, "office": office, "channel": channel,
        "type": type, **(extra or {}),
    }
    if customer is not None:
        body["customer"] = dict(customer)
    return body_text(body)


def body_text(body: Mapping[str, Any]) -> str:
    """A payload as sent: compact JSON, keys sorted, UTF-8 as is."""
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
