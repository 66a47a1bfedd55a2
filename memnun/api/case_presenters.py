"""A case as staff see it through the API: the feedback and its case work."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from memnun.accounts.models import User
from memnun.api.presenters import feedback_staff_body, local
from memnun.feedback.models import (
    CaseMessage,
    Compensation,
    CustomerAnswer,
    CustomerQuestion,
    Feedback,
    InvolvedPerson,
    ResolutionProposal,
    SurveyAnswer,
)
from memnun.feedback.permissions import Action, CaseAccess
from memnun.feedback.personal_fields import MESSAGE_TEXT
from memnun.feedback.selectors.links import case_links
from memnun.feedback.selectors.questions import questions_of
from memnun.feedback.selectors.repeats import repeats_of
from memnun.feedback.selectors.resolution import resolution_awaiting_answer
from memnun.personaldata.policy import Interface, present


def _username(user: User | None) -> str | None:
    return user.username if user is not None else None


def _assessment(feedback: Feedback) -> dict[str, Any] | None:
    if feedback.assessed_at is None:
        return None
    return {
        "severity": feedback.severity,
        "safety_hazard": feedback.safety_hazard,
        "immediate_action": feedback.immediate_action,
        "category": feedback.category.code if feedback.category else None,
        "assessed_at": local(feedback.assessed_at),
    }


def _proposal(p: ResolutionProposal) -> dict[str, Any]:
    return {
        "id": p.pk,
        "proposed_by": p.proposed_by.username,
        "created_at": local(p.created_at),
        "root_cause": p.root_cause,
        "root_cause_category": p.root_cause_category.code if p.root_cause_category else None,
        "corrective_action": p.corrective_action,
        "resolution": p.resolution,
        "decision": p.decision,
        "decided_by": _username(p.decided_by),
        "decided_at": local(p.decided_at),
        "reason": p.reason,
    }


def _compensation(c: Compensation) -> dict[str, Any]:
    return {
        "id": c.pk,
        "kind": c.kind,
        "amount": c.amount,
        "currency": "TRY",
        "legal_basis": c.legal_basis,
        "status": c.status,
        "proposed_by": c.proposed_by.username,
        "proposed_at": local(c.proposed_at),
        "approved_by": _username(c.approved_by),
        "rejected_by": _username(c.rejected_by),
        "decided_at": local(c.decided_at),
    }


def _links(feedback: Feedback) -> list[dict[str, Any]]:
    return [
        {"reference": link.reference, "kind": link.kind, "direction": link.direction}
        for link in case_links(feedback=feedback)
    ]


def _survey(feedback: Feedback) -> dict[str, Any] | None:
    survey = SurveyAnswer.objects.filter(feedback=feedback).first()
    return {"score": survey.score, "at": local(survey.at)} if survey else None


def _question(q: CustomerQuestion, text: Callable[[str], str]) -> dict[str, Any]:
    # The customer's answer is their free text: shown through the personal-data policy.
    return {
        "id": q.pk, "question": q.question, "asked_by": q.asked_by.username,
        "asked_at": local(q.asked_at), "answer": text(q.answer),
        "answered_at": local(q.answered_at),
        "answer_channel": q.answer_channel or None, "recorded_by": _username(q.recorded_by),
        "withdrawn_at": local(q.withdrawn_at),
    }


def case_body(access: CaseAccess, *, viewer: User) -> dict[str, Any]:
    feedback, actions = access
    involved = InvolvedPerson.objects.filter(feedback=feedback).select_related("user")
    proposals = ResolutionProposal.objects.filter(feedback=feedback).select_related(
        "proposed_by", "decided_by", "root_cause_category"
    )
    messages = CaseMessage.objects.filter(feedback=feedback).select_related("author")
    answers = CustomerAnswer.objects.filter(feedback=feedback).select_related("recorded_by")
    compensations = Compensation.objects.filter(feedback=feedback).select_related(
        "proposed_by", "approved_by", "rejected_by"
    )
    questions = questions_of(feedback=feedback)
    body = feedback_staff_body(feedback, viewer=viewer)

    def text(value: str) -> str:
        return present(value=value, field=MESSAGE_TEXT, role=viewer.role, interface=Interface.API)

    if Action.VIEW_ATTACHMENTS not in actions:
        # The files may show personal data that cannot be masked (a receipt, a face).
        body["attachments"] = []
    return body | {
        "assignee": _username(feedback.assignee),
        "assessment": _assessment(feedback),
        "escalation_level": feedback.escalation_level,
        "closure": feedback.closure or None,
        "closed_at": local(feedback.closed_at),
        "awaiting_agreement": resolution_awaiting_answer(feedback) is not None,
        "involved": [
            {"username": i.user.username, "role_in_subject": i.role_in_subject,
             "recorded_at": local(i.recorded_at)}
            for i in involved
        ],
        "proposals": [_proposal(p) for p in proposals],
        "messages": [
            {"id": m.pk, "at": local(m.created_at), "author": _username(m.author),
             "body": text(m.body), "visible_to_customer": m.visible_to_customer}
            for m in messages
        ],
        "customer_answers": [
            {"accept": a.accept, "comment": text(a.comment), "channel": a.channel,
             "recorded_by": _username(a.recorded_by), "at": local(a.at)}
            for a in answers
        ],
        "waiting_for_customer": any(q.is_open for q in questions),
        "questions": [_question(q, text) for q in questions],
        "compensations": [_compensation(c) for c in compensations],
        "links": _links(feedback),
        "repeats": [
            {"reference": r.reference, "received_at": local(r.received_at), "match": r.match}
            for r in repeats_of(feedback=feedback)
        ],
        "survey": _survey(feedback),
        "allowed_actions": sorted(actions),
    }
