"""Reads of received e-mail for the other interfaces (the API's case messages)."""

from __future__ import annotations

from memnun.feedback.models import Feedback
from memnun.mailin.models import InboundMessage


def inbound_for_case(*, feedback: Feedback) -> list[InboundMessage]:
    """The e-mails the customer sent about a case, oldest first, with their files."""
    return list(
        InboundMessage.objects.filter(feedback=feedback)
        .prefetch_related("attachments")
        .order_by("received_at", "id")
    )
