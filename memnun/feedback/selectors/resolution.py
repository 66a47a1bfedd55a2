"""Reads of resolution proposals: the latest approved, the one awaiting an answer, agreement."""

from __future__ import annotations

from memnun.feedback.codes import (
    FeedbackType,
    ProposalDecision,
    Status,
)
from memnun.feedback.models import (
    CustomerAnswer,
    Feedback,
    ResolutionProposal,
)


def resolution_latest_approved(feedback: Feedback) -> ResolutionProposal | None:
    """The last resolution a reviewer approved and the customer was given."""
    return (
        ResolutionProposal.objects.filter(feedback=feedback, decision=ProposalDecision.APPROVED)
        .order_by("-decided_at", "-id")
        .first()
    )


def resolution_latest(feedback: Feedback) -> ResolutionProposal | None:
    """The last resolution proposed for the case, whatever became of it."""
    return (
        ResolutionProposal.objects.filter(feedback=feedback)
        .select_related("root_cause_category")
        .order_by("-created_at", "-id")
        .first()
    )


def resolution_pending(feedback: Feedback) -> ResolutionProposal | None:
    """The proposed resolution that waits for its review."""
    return (
        ResolutionProposal.objects.filter(feedback=feedback, decision=ProposalDecision.PENDING)
        .order_by("-created_at", "-id")
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

