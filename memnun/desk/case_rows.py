"""A case as the desk's case lists show it (the work queue, the cases behind a figure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from django.urls import reverse
from django.utils import timezone

from memnun.feedback.codes import Channel, FeedbackType, ObligationKind, Status
from memnun.feedback.models import Feedback
from memnun.feedback.personal_fields import CUSTOMER_FIELDS
from memnun.feedback.selectors.deadline_state import DeadlineState, queue_state
from memnun.personaldata.policy import Interface, present
from memnun.text import moment_text


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
    # Spelled out here, once per row, rather than by template filters and tags: a list
    # page renders fifty rows, and the template's per-row work was most of its time.
    url: str = ""
    received_iso: str = ""
    received_text: str = ""
    due_iso: str = ""
    due_text: str = ""


def _shown(moment: datetime | None) -> tuple[str, str]:
    """A moment as the lists show it, in the active time zone (Europe/Istanbul)."""
    if moment is None:
        return "", ""
    return timezone.localtime(moment).isoformat(), moment_text(moment)


def case_row(
    feedback: Feedback, now: datetime, role: str, *, came_from: str | None = None,
) -> CaseRow:
    """`came_from`: the query of the list the row sits in, so the case page can step to
    its neighbours in that list (`j`/`k`); None where the list is not the queue."""
    due = feedback.next_due_at
    state = queue_state(feedback=feedback, now=now)
    url = reverse("desk:case", args=[feedback.reference])
    if came_from is not None:
        url += "?from=" + quote(came_from)
    received_iso, received_text = _shown(feedback.received_at)
    due_iso, due_text = _shown(due)
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
        url=url, received_iso=received_iso, received_text=received_text,
        due_iso=due_iso, due_text=due_text,
    )
