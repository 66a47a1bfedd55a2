"""Reads of feedback for the interfaces (API, desk, portal)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from memnun.accounts.models import User
from memnun.feedback.codes import (
    Closure,
    FeedbackType,
    ObligationKind,
    ProposalDecision,
    Status,
)
from memnun.feedback.errors import NotFound
from memnun.feedback.models import (
    Attachment,
    CaseMessage,
    CustomerAnswer,
    Feedback,
    Obligation,
    ResolutionProposal,
    StaffAlert,
    SurveyAnswer,
)
from memnun.feedback.obligations import Deadlines, alert_office, taken_in_at
from memnun.feedback.permissions import Action, feedback_for_user
from memnun.feedback.references import reference_parse, tracking_code_matches
from memnun.servicelevels.clock import is_open


def feedback_for_tracking(*, reference: str, code: str) -> Feedback | None:
    """The case behind a reference and its tracking code, or None.

    A malformed reference, a wrong check digit, an unknown reference and a
    wrong code all give None, so callers cannot tell them apart.
    """
    canonical = reference_parse(reference)
    feedback = (
        Feedback.objects.prefetch_related("stages").filter(reference=canonical).first()
        if canonical
        else None
    )
    # Hash the code even for an unknown reference: no timing difference to probe.
    stored = feedback.tracking_code_hash if feedback is not None else "0" * 64
    if not tracking_code_matches(code, stored) or feedback is None:
        return None
    return feedback


def alerts_deliverable(*, now: datetime) -> list[StaffAlert]:
    """Undelivered staff alerts that may go out at `now`.

    Never outside the recipient's business hours: an alert raised at night
    waits for the next opening (`deliver_after`), and one still undelivered
    at closing time waits again for the next day.
    """
    pending = (
        StaffAlert.objects.filter(delivered_at__isnull=True, deliver_after__lte=now)
        .select_related("recipient__office__calendar", "feedback__office__calendar")
        .order_by("deliver_after", "id")
    )
    deadlines = Deadlines()
    return [
        alert for alert in pending
        if is_open(
            deadlines.calendar(alert_office(recipient=alert.recipient, feedback=alert.feedback)),
            now,
        )
    ]


@dataclass(frozen=True)
class Expectation:
    """What the customer may expect: when the office takes the case in, and answers by."""

    taken_in_at: datetime
    answer_by: datetime | None


def feedback_expectation(*, feedback: Feedback) -> Expectation:
    """For the customer: the next opening after receipt, and the resolution deadline.

    No promised answer while the clock is stopped (waiting for the customer) or
    once the resolution is given.
    """
    resolution = Obligation.objects.filter(
        feedback=feedback, kind=ObligationKind.RESOLUTION, met_at__isnull=True,
        paused_since__isnull=True,
    ).first()
    return Expectation(
        taken_in_at=taken_in_at(feedback=feedback),
        answer_by=resolution.due_at if resolution else None,
    )


def resolution_latest_approved(feedback: Feedback) -> ResolutionProposal | None:
    """The last resolution a reviewer approved and the customer was given."""
    return (
        ResolutionProposal.objects.filter(feedback=feedback, decision=ProposalDecision.APPROVED)
        .order_by("-decided_at", "-id")
        .first()
    )


def resolution_awaiting_answer(feedback: Feedback) -> ResolutionProposal | None:
    """The resolution a complainant is asked to agree to, while they have not answered."""
    if feedback.status != Status.RESOLVED or feedback.type != FeedbackType.COMPLAINT:
        return None
    proposal = resolution_latest_approved(feedback)
    if proposal is None or CustomerAnswer.objects.filter(proposal=proposal).exists():
        return None
    return proposal


def resolution_accepted(feedback: Feedback) -> bool:
    """Whether the customer agreed to the latest approved resolution."""
    proposal = resolution_latest_approved(feedback)
    return (
        proposal is not None
        and CustomerAnswer.objects.filter(proposal=proposal, accept=True).exists()
    )


def messages_for_customer(feedback: Feedback) -> list[CaseMessage]:
    """What the tracking page shows: messages to the customer, never an internal note."""
    return list(CaseMessage.objects.filter(feedback=feedback, visible_to_customer=True))


def attachment_for_staff(*, user: User, reference: str, attachment_id: int) -> Attachment:
    """A case's file for someone who may see the case and its files; NotFound for anyone else."""
    feedback, actions = feedback_for_user(user=user, reference=reference)
    attachment = (
        Attachment.objects.filter(feedback=feedback, pk=attachment_id).first()
        if Action.VIEW_ATTACHMENTS in actions
        else None
    )
    if attachment is None:
        raise NotFound(_("No such file."))
    return attachment


def survey_open(feedback: Feedback) -> bool:
    """Whether the customer may still rate the handling: closed (not merged), not yet rated."""
    return (
        feedback.status == Status.CLOSED
        and feedback.closure != Closure.MERGED
        and not SurveyAnswer.objects.filter(feedback=feedback).exists()
    )
