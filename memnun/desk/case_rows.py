"""A case as the desk's case lists show it (the work queue, the cases behind a figure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from memnun.feedback.codes import Channel, FeedbackType, ObligationKind, Status
from memnun.feedback.models import Feedback
from memnun.feedback.personal_fields import CUSTOMER_FIELDS
from memnun.feedback.selectors.deadline_state import DeadlineState, queue_state
from memnun.personaldata.policy import Interface, present


@dataclass(frozen=True)
class CaseRow:
    """One case as a list shows it: personal data masked, the state spelled out in words."""

    reference: str
    type: str
    channel: str
    status: str
    office: str
    customer: str
    received_at: datetime
    due_at: datetime | None
    due: str
    state: DeadlineState
    state_label: str
    is_repeat: bool


def case_row(feedback: Feedback, now: datetime, role: str) -> CaseRow:
    due = feedback.next_due_at
    state = queue_state(feedback=feedback, now=now)
    return CaseRow(
        reference=feedback.reference,
        type=str(FeedbackType(feedback.type).label),
        channel=str(Channel(feedback.channel).label),
        status=str(Status(feedback.status).label),
        office=feedback.office.name,
        customer=present(
            value=feedback.customer.name, field=CUSTOMER_FIELDS["name"], role=role,
            interface=Interface.DESK,
        ) or "—",
        received_at=feedback.received_at,
        due_at=due,
        due=str(ObligationKind(feedback.next_due_kind).label) if feedback.next_due_kind else "",
        state=state,
        state_label=str(state.label),
        is_repeat=feedback.is_repeat,
    )
