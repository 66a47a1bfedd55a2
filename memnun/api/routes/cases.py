"""Case work: the lifecycle, notes and messages, files, compensation, merging, reveal.

Thin adapters: each endpoint finds the case the user may see (404 otherwise),
hands the request to one service and answers with the case as it now stands.
Domain errors become 403/404/409/422 in `memnun.api.errors`.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import P, PathEx, Router, Status

from memnun.accounts.models import User
from memnun.api.auth import StaffToken
from memnun.api.case_presenters import case_body
from memnun.api.case_schemas import (
    AgreementIn,
    AssessmentIn,
    AssignIn,
    CaseOut,
    CompensationDecisionIn,
    CompensationIn,
    FollowUpIn,
    InvolvedIn,
    LinkIn,
    MergeIn,
    QuestionAnswerIn,
    QuestionIn,
    RevealIn,
    RevealOut,
    StaffAnswerIn,
    StaffQuestionAnswerIn,
    SurveyIn,
    TextIn,
    TransitionIn,
)
from memnun.api.errors import ErrorOut
from memnun.api.presenters import feedback_created_body, tracking_body
from memnun.api.schemas import AttachmentIn, FeedbackCreatedOut, TrackOut
from memnun.api.tracking_guard import tracked_feedback
from memnun.feedback.attachments import attachment_response
from memnun.feedback.models import Feedback
from memnun.feedback.moves import transition_description
from memnun.feedback.permissions import CaseAccess, feedback_for_user
from memnun.feedback.selectors.compensation import compensation_on_case
from memnun.feedback.services.assessment import AssessmentInput, feedback_assess
from memnun.feedback.services.assignment import feedback_assign
from memnun.feedback.services.compensation import compensation_decide, compensation_propose
from memnun.feedback.services.customer_answers import customer_answer_record, survey_record
from memnun.feedback.services.follow_up import feedback_follow_up
from memnun.feedback.services.involvement import involved_person_record
from memnun.feedback.services.lifecycle import TransitionInput, feedback_transition
from memnun.feedback.services.merging import feedback_link, feedback_merge
from memnun.feedback.services.notes import attachment_add, message_send, note_add
from memnun.feedback.services.personal_data import attachment_open, personal_data_reveal
from memnun.feedback.services.questions import question_answer, question_ask
from memnun.personaldata.policy import Interface

router = Router()

_STAFF_ERRORS: dict[int, Any] = {
    code: ErrorOut for code in (400, 401, 403, 404, 409, 413, 415, 422)
}
_TRACK_ERRORS: dict[int, Any] = {code: ErrorOut for code in (400, 404, 409, 413, 415, 422, 429)}
_MAX_ID = 2**63 - 1


def _user(request: HttpRequest) -> User:
    user = getattr(request, "auth", None)
    assert isinstance(user, User)
    return user


def _access(request: HttpRequest, reference: str) -> CaseAccess:
    return feedback_for_user(user=_user(request), reference=reference)


def _case(request: HttpRequest, reference: str, status: int = 200) -> Any:
    """The case re-read after the change, as the caller may now see it."""
    return Status(status, case_body(_access(request, reference), viewer=_user(request)))


def _staff(summary: str, description: str = "", status: int = 200) -> dict[str, Any]:
    return {
        "response": {status: CaseOut, **_STAFF_ERRORS},
        "auth": StaffToken(),
        "tags": ["cases"],
        "summary": summary,
        "description": description,
    }


@router.post(
    "/feedback/{reference}/transition",
    **_staff(
        "Move a case through its lifecycle",
        transition_description(),
    ),
)
def transition(request: HttpRequest, reference: str, payload: TransitionIn) -> Any:
    feedback, _actions = _access(request, reference)
    a = payload.assessment
    feedback_transition(
        actor=_user(request),
        feedback=feedback,
        data=TransitionInput(
            to=payload.to,
            note=payload.note or "",
            assignee=payload.assignee,
            auto_assign=payload.auto_assign,
            assessment=_assessment(a) if a is not None else None,
            root_cause=payload.root_cause or "",
            root_cause_category=payload.root_cause_category,
            corrective_action=payload.corrective_action or "",
            resolution=payload.resolution or "",
            response_type=payload.response_type or "",
            response_justification=payload.response_justification or "",
            send_back_reason=payload.send_back_reason or "",
            closure=payload.closure,
            external_recourse=payload.external_recourse or "",
        ),
    )
    return _case(request, reference)


def _assessment(a: AssessmentIn) -> AssessmentInput:
    return AssessmentInput(
        severity=a.severity, safety_hazard=a.safety_hazard, category=a.category,
        immediate_action=a.immediate_action,
    )


@router.post(
    "/feedback/{reference}/assessment",
    **_staff("Revise the assessment of a case being worked (the first comes with the start)"),
)
def assessment(request: HttpRequest, reference: str, payload: AssessmentIn) -> Any:
    feedback, _actions = _access(request, reference)
    feedback_assess(actor=_user(request), feedback=feedback, data=_assessment(payload))
    return _case(request, reference)


@router.post(
    "/feedback/{reference}/assignment",
    **_staff("Reassign a case being worked (by name, or by the office's round robin)"),
)
def assign(request: HttpRequest, reference: str, payload: AssignIn) -> Any:
    feedback, _actions = _access(request, reference)
    feedback_assign(
        actor=_user(request), feedback=feedback, assignee=payload.assignee,
        automatic=payload.automatic,
    )
    return _case(request, reference)


@router.post(
    "/feedback/{reference}/involved",
    **_staff(
        "Record a member of staff involved in the subject; they may not handle it", status=201
    ),
)
def involved(request: HttpRequest, reference: str, payload: InvolvedIn) -> Any:
    feedback, _actions = _access(request, reference)
    involved_person_record(
        actor=_user(request), feedback=feedback, username=payload.username,
        role_in_subject=payload.role_in_subject,
    )
    return _case(request, reference, 201)


@router.post(
    "/feedback/{reference}/notes",
    **_staff("Add an internal note (never shown to the customer)", status=201),
)
def notes(request: HttpRequest, reference: str, payload: TextIn) -> Any:
    feedback, _actions = _access(request, reference)
    note_add(actor=_user(request), feedback=feedback, body=payload.body)
    return _case(request, reference, 201)


@router.post(
    "/feedback/{reference}/messages",
    **_staff("Send the customer a message (shown on the tracking page)", status=201),
)
def messages(request: HttpRequest, reference: str, payload: TextIn) -> Any:
    feedback, _actions = _access(request, reference)
    message_send(actor=_user(request), feedback=feedback, body=payload.body)
    return _case(request, reference, 201)


@router.post(
    "/feedback/{reference}/attachments",
    **_staff("Add a file (JPEG, PNG, GIF, WebP or PDF) to a case", status=201),
)
def attachments(request: HttpRequest, reference: str, payload: AttachmentIn) -> Any:
    feedback, _actions = _access(request, reference)
    attachment_add(
        actor=_user(request), feedback=feedback, filename=payload.filename,
        content_type=payload.content_type, content=payload.content(),
    )
    return _case(request, reference, 201)


@router.get(
    "/feedback/{reference}/attachments/{attachment_id}",
    response={200: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=StaffToken(),
    tags=["cases"],
    summary="Download a case's file (staff who may see it; 404 for everyone else)",
    description="Every download is recorded in the audit trail: a file may hold personal"
    " data that cannot be masked.",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file, as an attachment.",
                "content": {"application/octet-stream": {"schema": {
                    "type": "string", "format": "binary"}}},
            }
        }
    },
)
def attachment_download(
    request: HttpRequest, reference: str, attachment_id: PathEx[int, P(ge=1, le=_MAX_ID)]
) -> Any:
    attachment = attachment_open(
        actor=_user(request), reference=reference, attachment_id=attachment_id,
        interface=Interface.API,
    )
    return attachment_response(attachment)


@router.post(
    "/feedback/{reference}/customer-answer",
    **_staff(
        "Record the customer's answer to the resolution, given by phone, e-mail, letter or in"
        " person",
        "A rejection sends the case back to `in_progress`, one escalation level higher;"
        " 409 when no resolution awaits an answer.",
    ),
)
def customer_answer(request: HttpRequest, reference: str, payload: StaffAnswerIn) -> Any:
    feedback, _actions = _access(request, reference)
    customer_answer_record(
        feedback=feedback, accept=payload.accept, comment=payload.comment,
        channel=payload.channel, recorded_by=_user(request),
    )
    return _case(request, reference)


@router.post(
    "/feedback/{reference}/questions",
    **_staff(
        "Ask the customer for information; the case waits and its clocks pause",
        "The assignee, a reviewer or a quality manager, on a case `in_progress`: the case"
        " stays `in_progress` but waits for the customer, who is told and sees the question"
        " on tracking; the resolution, first-response and update clocks pause until the"
        " answer. 409 when the case is not `in_progress` or a question is already open.",
        status=201,
    ),
)
def questions(request: HttpRequest, reference: str, payload: QuestionIn) -> Any:
    feedback, _actions = _access(request, reference)
    question_ask(actor=_user(request), feedback=feedback, question=payload.question)
    return _case(request, reference, 201)


@router.post(
    "/feedback/{reference}/questions/answer",
    **_staff(
        "Record the customer's answer to the open question, given by phone, e-mail, letter"
        " or in person",
        "The clocks run again, each deadline moved on by the business time spent waiting;"
        " 409 when no question is open.",
    ),
)
def question_answer_staff(
    request: HttpRequest, reference: str, payload: StaffQuestionAnswerIn
) -> Any:
    feedback, _actions = _access(request, reference)
    question_answer(
        feedback=feedback, answer=payload.answer, channel=payload.channel,
        recorded_by=_user(request),
    )
    return _case(request, reference)


@router.post(
    "/feedback/{reference}/compensations",
    **_staff(
        "Record compensation with its legal basis",
        "Approved at once within the proposer's limit; above it, it waits for someone whose"
        " limit covers the amount.",
        status=201,
    ),
)
def compensations(request: HttpRequest, reference: str, payload: CompensationIn) -> Any:
    feedback, _actions = _access(request, reference)
    compensation_propose(
        actor=_user(request), feedback=feedback, kind=payload.kind, amount=payload.amount,
        legal_basis=payload.legal_basis,
    )
    return _case(request, reference, 201)


@router.post(
    "/feedback/{reference}/compensations/{compensation_id}/decision",
    **_staff("Approve or reject compensation above its proposer's limit"),
)
def compensation_decision(
    request: HttpRequest, reference: str, payload: CompensationDecisionIn,
    compensation_id: PathEx[int, P(ge=1, le=_MAX_ID)],
) -> Any:
    feedback, _actions = _access(request, reference)
    compensation = compensation_on_case(feedback=feedback, compensation_id=compensation_id)
    compensation_decide(
        actor=_user(request), compensation=compensation, approve=payload.approve,
        reason=payload.reason,
    )
    return _case(request, reference)


@router.post(
    "/feedback/{reference}/merge",
    **_staff(
        "Merge this case, a duplicate, into another from the same customer",
        "This case closes (closure `merged`) with a `duplicate` link; both histories stay."
        " Answers the case that carries on.",
    ),
)
def merge(request: HttpRequest, reference: str, payload: MergeIn) -> Any:
    duplicate, _actions = _access(request, reference)
    into, _into_actions = _access(request, payload.into)
    feedback_merge(actor=_user(request), duplicate=duplicate, into=into, note=payload.note)
    return _case(request, into.reference)


@router.post(
    "/feedback/{reference}/links",
    **_staff("Link a related case", status=201),
)
def link(request: HttpRequest, reference: str, payload: LinkIn) -> Any:
    source, _actions = _access(request, reference)
    target, _target_actions = _access(request, payload.to)
    feedback_link(actor=_user(request), source=source, target=target)
    return _case(request, reference, 201)


@router.post(
    "/feedback/{reference}/follow-up",
    response={201: FeedbackCreatedOut, **_STAFF_ERRORS},
    auth=StaffToken(),
    tags=["cases"],
    summary="Record a customer's return after the reopening window as new, linked feedback",
)
def follow_up(request: HttpRequest, reference: str, payload: FollowUpIn) -> Any:
    feedback, _actions = _access(request, reference)
    result = feedback_follow_up(
        actor=_user(request), feedback=feedback, channel=payload.channel,
        description=payload.description,
    )
    return Status(201, feedback_created_body(
        result.feedback, result.tracking_code, obligations=result.obligations
    ))


@router.post(
    "/feedback/{reference}/reveal",
    response={200: RevealOut, **_STAFF_ERRORS},
    auth=StaffToken(),
    tags=["cases"],
    summary="Reveal the customer's personal data, with a reason; every reveal is audited",
    description="The case shows personal data masked to every role. This answers the whole"
    " values, and records who saw which fields of which case and why (never the values)."
    " Without a reason 422; a role that may not reveal (the auditor) 403.",
)
def reveal(request: HttpRequest, reference: str, payload: RevealIn) -> Any:
    feedback, _actions = _access(request, reference)
    shown = personal_data_reveal(actor=_user(request), feedback=feedback, reason=payload.reason)
    customer = feedback.customer
    return Status(200, {
        "reference": feedback.reference, **shown,
        "preferred_contact": customer.preferred_contact, "language": customer.language,
    })


def _tracked_now(feedback: Feedback) -> dict[str, Any]:
    return tracking_body(Feedback.objects.prefetch_related("stages").get(pk=feedback.pk))


@router.post(
    "/track/{reference}/agreement",
    response={200: TrackOut, **_TRACK_ERRORS},
    tags=["tracking"],
    summary="The customer agrees to, or rejects, the resolution",
    description="409 when no resolution awaits an answer. A rejection reopens the work.",
)
def track_agreement(request: HttpRequest, reference: str, payload: AgreementIn) -> Any:
    found = tracked_feedback(request, reference, payload.code)
    if isinstance(found, JsonResponse):
        return found
    customer_answer_record(feedback=found, accept=payload.accept, comment=payload.comment)
    return Status(200, _tracked_now(found))


@router.post(
    "/track/{reference}/answer",
    response={200: TrackOut, **_TRACK_ERRORS},
    tags=["tracking"],
    summary="The customer answers the question the case waits on",
    description="The clocks run again, the deadlines moved on by the business time spent"
    " waiting. 409 when no question is open.",
)
def track_answer(request: HttpRequest, reference: str, payload: QuestionAnswerIn) -> Any:
    found = tracked_feedback(request, reference, payload.code)
    if isinstance(found, JsonResponse):
        return found
    question_answer(feedback=found, answer=payload.answer)
    return Status(200, _tracked_now(found))


@router.post(
    "/track/{reference}/survey",
    response={200: TrackOut, **_TRACK_ERRORS},
    tags=["tracking"],
    summary="The customer rates the handling, once, after the case is closed",
)
def track_survey(request: HttpRequest, reference: str, payload: SurveyIn) -> Any:
    found = tracked_feedback(request, reference, payload.code)
    if isinstance(found, JsonResponse):
        return found
    survey_record(feedback=found, score=payload.score, comment=payload.comment)
    return Status(200, _tracked_now(found))
