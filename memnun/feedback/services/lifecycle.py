"""The lifecycle's services: one function per move of the table in `feedback/moves.py`.

The table (`moves.MOVES`) says which moves exist, from which statuses, with
which permission and guards; `docs/lifecycle.md` shows it. `stage_enter` is
the only code that changes a case's status, and refuses any change the table
does not make. Each `feedback_<move>` function is one transaction: it checks
the role (403), locks the row, re-checks the move's from-states and guards and
the request's requirements (409 with the reason), enters the new stage (a
`StageChange` row on the customer's timeline) and writes its audit event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from memnun.accounts.models import User
from memnun.feedback import moves
from memnun.feedback.capa_codes import ResponseType
from memnun.feedback.capa_models import Capa
from memnun.feedback.codes import Closure, FeedbackType, ObligationKind, ProposalDecision, Status
from memnun.feedback.errors import Conflict, FieldErrors, NotPermitted
from memnun.feedback.escalation_codes import EscalationReason
from memnun.feedback.models import Feedback, Obligation, ResolutionProposal, StageChange
from memnun.feedback.moves import (
    CLOSURE_ACTIONS,
    MOVE_ACTIONS,
    STATUS_CHANGES,
    move_refusal,
    transition_move,
)
from memnun.feedback.permissions import actions_on, require
from memnun.feedback.report_facts import STAGE_FACTS, fact_fields_set
from memnun.feedback.selectors.resolution import resolution_pending
from memnun.feedback.services import messaging
from memnun.feedback.services.assessment import (
    AssessmentInput,
    assessment_apply,
    assessment_check,
)
from memnun.feedback.services.assignment import assignee_choose, assignment_write
from memnun.feedback.services.capa import capa_link_case, capa_open_from_case
from memnun.feedback.services.common import (
    case_audit,
    case_lock,
    ensure_status,
    note_write,
    now_or,
)
from memnun.feedback.services.desk_notices import notice_review_requested
from memnun.feedback.services.escalation import escalation_on_return
from memnun.feedback.services.involvement import ensure_not_involved
from memnun.feedback.services.obligations import (
    obligation_meet,
    obligations_customer_told,
    obligations_follow_status,
)
from memnun.organisation.models import RootCauseCategory

S = Status


# Steps the customer is told of as they happen; resolved and closed carry their own messages.
_TOLD_OF_STAGE = frozenset({S.IN_PROGRESS, S.UNDER_REVIEW})


def customer_options() -> list[str]:
    """Where a consumer in Turkey may turn if they disagree; in the active language."""
    return [
        _("the consumer arbitration committee of your district"),
        _("a consumer court, above the committee's monetary limit"),
    ]


def stage_enter(*, feedback: Feedback, to: str, by: User | None, at: datetime) -> dict[str, str]:
    """Move a locked case to a new status with its timeline row; the audit's before → after."""
    before = feedback.status
    if (before, to) not in STATUS_CHANGES:
        raise move_refusal(before, to)
    feedback.status = to
    # The first decision and the first closure are report facts (report_facts.py).
    facts = fact_fields_set(feedback, {STAGE_FACTS[to]: at}) if to in STAGE_FACTS else []
    feedback.save(update_fields=["status", *facts])
    StageChange.objects.create(feedback=feedback, status=to, at=at, by=by)
    # Updates are owed while the case is worked; leaving in_progress ends a wait for the customer.
    obligations_follow_status(feedback=feedback, before=before, after=to, at=at, actor=by)
    if to in _TOLD_OF_STAGE:
        # Queued in this transaction: the customer hears of the step only if it happened.
        messaging.message_stage_changed(feedback, to)
        obligations_customer_told(feedback=feedback, at=at, substantive=False)
    return {"before": before, "after": to}


def _resolution_given(feedback: Feedback, at: datetime) -> None:
    """The first decision communicated to the customer meets the resolution deadline."""
    owed = Obligation.objects.filter(
        feedback=feedback, kind=ObligationKind.RESOLUTION, met_at__isnull=True
    ).exists()
    if owed:
        obligation_meet(feedback=feedback, kind=ObligationKind.RESOLUTION, at=at)


def _moved(
    *, actor: User | None, feedback: Feedback, move: str, change: dict[str, str],
    **data: object,
) -> None:
    case_audit(
        actor=actor, action="feedback.moved", feedback=feedback,
        data={"move": move, "before": {"status": change["before"]},
              "after": {"status": change["after"]}, **data},
    )


def _note_id(feedback: Feedback, actor: User, note: str, at: datetime) -> int | None:
    row = note_write(feedback=feedback, author=actor, body=note, visible_to_customer=False, at=at)
    return row.pk if row else None


def _missing(**requirements: str | None) -> list[str]:
    return [name for name, value in requirements.items() if not (value or "").strip()]


def feedback_start(
    *, actor: User, feedback: Feedback, assessment: AssessmentInput | None,
    assignee: str | None = None, auto_assign: bool = False, note: str = "",
    now: datetime | None = None,
) -> Feedback:
    """created → in_progress: assigned to someone who may handle it, with the initial assessment.

    A handler may take a case themselves; giving it to someone else (or to the
    round robin) needs a lead's `assign` permission.
    """
    require(actor, moves.START.action, feedback)
    category = assessment_check(assessment) if assessment is not None else None
    at = now_or(now)
    with transaction.atomic():
        feedback = case_lock(feedback)
        ensure_status(feedback, moves.START.sources, _("Only a new case can be started."))
        ensure_not_involved(feedback, actor)
        if assessment is None:
            raise Conflict(_("The initial assessment is required to start work on a case."))
        chosen = assignee_choose(
            actor=actor, feedback=feedback, username=assignee, automatic=auto_assign, now=at
        )
        assignment_write(
            actor=actor, feedback=feedback, assignee=chosen,
            automatic=not assignee and auto_assign, at=at,
        )
        assessment_apply(
            actor=actor, feedback=feedback, data=assessment, category=category, at=at
        )
        change = stage_enter(feedback=feedback, to=moves.START.target, by=actor, at=at)
        _moved(actor=actor, feedback=feedback, move=moves.START.name, change=change,
               note_id=_note_id(feedback, actor, note, at))
    return feedback


def _root_cause_category(code: str | None) -> RootCauseCategory | None:
    if not code:
        return None
    found = RootCauseCategory.objects.filter(code=code, is_active=True).first()
    if found is None:
        raise FieldErrors({"root_cause_category": [_("Unknown root cause category.")]})
    return found


def _response_check(response_type: str, justification: str) -> None:
    """R7.7: a known response type; "no action" only with its justification."""
    if response_type and response_type not in ResponseType.values:
        raise FieldErrors({"response_type": [_("Unknown response type.")]})
    if response_type == ResponseType.NO_ACTION and not justification.strip():
        raise FieldErrors({"response_justification": [
            _("Say why no action is taken: \"no action\" needs its justification.")
        ]})


def _capa_for(
    *, actor: User, feedback: Feedback, capa: Capa | None, open_capa: bool,
    problem: str, rc_category: RootCauseCategory | None, at: datetime,
) -> Capa | None:
    """Link the case to an existing CAPA, or open a new one from it (in the proposal's
    transaction)."""
    if capa is not None:
        return capa_link_case(actor=actor, capa=capa, feedback=feedback, now=at)
    if open_capa:
        return capa_open_from_case(
            actor=actor, feedback=feedback, problem=problem, root_cause_category=rc_category,
            now=at,
        )
    return None


def feedback_propose(
    *, actor: User, feedback: Feedback, resolution: str, root_cause: str = "",
    root_cause_category: str | None = None, corrective_action: str = "", note: str = "",
    response_type: str = "", response_justification: str = "", capa: Capa | None = None,
    open_capa: bool = False, now: datetime | None = None,
) -> ResolutionProposal:
    """in_progress → under_review: a resolution goes to a second person for review.

    A complaint needs its category, its root cause with the root-cause category and
    the corrective action (classification complete, R8.2a); every type needs the
    resolution, the message the customer will get, with its reasons. The response's
    type is optional here (API callers before R7.7), but "no action" needs its
    justification. The case may be linked to a CAPA (`capa`) or open a new one
    (`open_capa`), with the CAPA rules' own permission.
    """
    require(actor, moves.PROPOSE.action, feedback)
    rc_category = _root_cause_category(root_cause_category)
    _response_check(response_type, response_justification)
    at = now_or(now)
    with transaction.atomic():
        feedback = case_lock(feedback)
        ensure_status(
            feedback, moves.PROPOSE.sources,
            _("Only a case in progress can be proposed for review."),
        )
        ensure_not_involved(feedback, actor)
        if not moves.complaint_categorised(feedback=feedback, actor=actor, now=at):
            raise Conflict(_(
                "A complaint cannot go to review without its category: revise the assessment"
                " first."
            ))
        required = {"resolution": resolution}
        if feedback.type == FeedbackType.COMPLAINT:
            required |= {"root_cause": root_cause, "corrective_action": corrective_action,
                         "root_cause_category": rc_category.code if rc_category else ""}
        missing = _missing(**required)
        if missing:
            raise Conflict(
                _("A resolution cannot go to review without: %(fields)s.")
                % {"fields": ", ".join(missing)}
            )
        linked = _capa_for(
            actor=actor, feedback=feedback, capa=capa, open_capa=open_capa,
            problem=root_cause.strip() or corrective_action.strip() or resolution.strip(),
            rc_category=rc_category, at=at,
        )
        proposal = ResolutionProposal.objects.create(
            feedback=feedback, proposed_by=actor, root_cause=root_cause.strip(),
            root_cause_category=rc_category, corrective_action=corrective_action.strip(),
            resolution=resolution.strip(), created_at=at, response_type=response_type,
            response_justification=response_justification.strip(), capa=linked,
        )
        change = stage_enter(feedback=feedback, to=moves.PROPOSE.target, by=actor, at=at)
        _moved(actor=actor, feedback=feedback, move=moves.PROPOSE.name, change=change,
               proposal_id=proposal.pk,
               root_cause_category=rc_category.code if rc_category else None,
               response_type=response_type or None,
               capa=linked.number if linked else None,
               note_id=_note_id(feedback, actor, note, at))
        notice_review_requested(feedback=feedback, proposer=actor, at=at)
    return proposal


def _pending_proposal(feedback: Feedback, actor: User, at: datetime) -> ResolutionProposal:
    proposal = resolution_pending(feedback)
    if proposal is None:
        raise Conflict(_("No proposed resolution awaits review."))
    if not moves.actor_not_the_proposer(feedback=feedback, actor=actor, now=at):
        raise Conflict(
            _("You proposed this resolution: someone else must review it.")
        )
    return proposal


def customer_recourse_text() -> str:
    """What a customer who disagrees can do; in the active language."""
    return _(
        "If you do not agree with this decision, tell us on the tracking page, by e-mail or"
        " by phone and we will look at it again. You may also apply to the consumer"
        " arbitration committee of your district or, above its monetary limit, to a consumer"
        " court."
    )


def _decision_message(feedback: Feedback, proposal: ResolutionProposal) -> str:
    if feedback.type != FeedbackType.COMPLAINT:
        return proposal.resolution
    with translation.override(feedback.customer.language):
        return f"{proposal.resolution}\n\n{customer_recourse_text()}"


def feedback_approve(
    *, actor: User, feedback: Feedback, note: str = "", now: datetime | None = None
) -> Feedback:
    """under_review → resolved: a second person approves; the decision goes to the customer.

    A case escalated by the customer's rejection or a reopening (or by staff) is approved
    by at least the role of its escalation level (`permissions.DECIDING`, escalation.py).

    The customer's message carries the resolution with its reasons and, for a
    complaint, what they can do if they disagree (the customer is then asked to agree).
    """
    require(actor, moves.APPROVE.action, feedback)
    at = now_or(now)
    with transaction.atomic():
        feedback = case_lock(feedback)
        ensure_status(
            feedback, moves.APPROVE.sources, _("Only a case under review can be approved.")
        )
        require(actor, moves.APPROVE.action, feedback)  # the ladder, on the locked level
        proposal = _pending_proposal(feedback, actor, at)
        ensure_not_involved(feedback, actor)
        proposal.decision = ProposalDecision.APPROVED
        proposal.decided_by = actor
        proposal.decided_at = at
        proposal.reason = note.strip()
        proposal.save(update_fields=["decision", "decided_by", "decided_at", "reason"])
        message = note_write(
            feedback=feedback, author=actor, body=_decision_message(feedback, proposal),
            visible_to_customer=True, at=at,
        )
        change = stage_enter(feedback=feedback, to=moves.APPROVE.target, by=actor, at=at)
        _resolution_given(feedback, at)
        with translation.override(feedback.customer.language):
            options = customer_options() if feedback.type == FeedbackType.COMPLAINT else []
        messaging.message_resolution(feedback, proposal.resolution, options)
        _moved(actor=actor, feedback=feedback, move=moves.APPROVE.name, change=change,
               proposal_id=proposal.pk, message_id=message.pk if message else None)
    return feedback


def feedback_send_back(
    *, actor: User, feedback: Feedback, reason: str, now: datetime | None = None
) -> Feedback:
    """under_review → in_progress: the reviewer sends the proposal back, saying why."""
    require(actor, moves.SEND_BACK.action, feedback)
    at = now_or(now)
    with transaction.atomic():
        feedback = case_lock(feedback)
        ensure_status(
            feedback, moves.SEND_BACK.sources, _("Only a case under review can be sent back.")
        )
        require(actor, moves.SEND_BACK.action, feedback)  # the ladder, on the locked level
        proposal = _pending_proposal(feedback, actor, at)
        ensure_not_involved(feedback, actor)
        if not reason.strip():
            raise Conflict(_("Say why the resolution is sent back (send_back_reason)."))
        proposal.decision = ProposalDecision.SENT_BACK
        proposal.decided_by = actor
        proposal.decided_at = at
        proposal.reason = reason.strip()
        proposal.save(update_fields=["decision", "decided_by", "decided_at", "reason"])
        change = stage_enter(feedback=feedback, to=moves.SEND_BACK.target, by=actor, at=at)
        _moved(actor=actor, feedback=feedback, move=moves.SEND_BACK.name, change=change,
               proposal_id=proposal.pk)
    return feedback


def _closure_requirements(
    feedback: Feedback, closure: str, external_recourse: str, actor: User, at: datetime
) -> None:
    if closure == Closure.CUSTOMER_AGREED:
        ensure_status(
            feedback, moves.CLOSE_AGREED.sources,
            _("Only a resolved case closes with the customer's agreement."),
        )
        if not moves.agreement_on_record(feedback=feedback, actor=actor, now=at):
            raise Conflict(_("The customer's agreement to the resolution is not on record."))
    elif closure == Closure.RESPONSE_SENT:
        ensure_status(
            feedback, moves.CLOSE_RESPONDED.sources,
            _("Only a resolved case closes once the response is sent."),
        )
        if not moves.is_not_complaint(feedback=feedback, actor=actor, now=at):
            raise Conflict(
                _("A complaint closes only with the customer's agreement or when a quality"
                  " manager records that all reasonable options are exhausted.")
            )
    else:
        ensure_status(
            feedback, moves.CLOSE_EXHAUSTED.sources,
            _("Options can be declared exhausted only for a resolved case or one the"
              " customer sent back."),
        )
        if not moves.has_approved_decision(feedback=feedback, actor=actor, now=at):
            raise Conflict(
                _("The customer has not yet been given a decision with its reasons.")
            )
        if not external_recourse.strip():
            raise Conflict(
                _("Record the external recourse the customer is told of (external_recourse).")
            )


def feedback_close(
    *, actor: User, feedback: Feedback, closure: str | None, external_recourse: str = "",
    note: str = "", now: datetime | None = None,
) -> Feedback:
    """→ closed, in one of three ways.

    - `customer_agreed`: from resolved, with the customer's agreement on record.
    - `response_sent`: suggestions, compliments and requests, from resolved: the
      approved response has gone to the customer, no agreement is asked for.
    - `options_exhausted`: a quality manager, from resolved or from in_progress
      after the customer rejected a decision; the external recourse given to
      the customer is recorded and sent to them as a message.
    """
    action = CLOSURE_ACTIONS.get(closure or "")
    if action is None:
        if not (actions_on(actor, feedback) & MOVE_ACTIONS):
            raise NotPermitted(_("Your role may not do this."))
        raise Conflict(
            _("Say how the case closes: customer_agreed, options_exhausted or response_sent.")
        )
    require(actor, action, feedback)
    at = now_or(now)
    with transaction.atomic():
        feedback = case_lock(feedback)
        assert closure is not None
        _closure_requirements(feedback, closure, external_recourse, actor, at)
        ensure_not_involved(feedback, actor)
        message = None
        if closure == Closure.OPTIONS_EXHAUSTED:
            message = note_write(
                feedback=feedback, author=actor, body=external_recourse,
                visible_to_customer=True, at=at,
            )
        change = stage_enter(feedback=feedback, to=S.CLOSED, by=actor, at=at)
        feedback.closure = closure
        feedback.closed_at = at
        feedback.save(update_fields=["closure", "closed_at"])
        messaging.message_closed(feedback)
        _moved(actor=actor, feedback=feedback, move="close", change=change, closure=closure,
               message_id=message.pk if message else None,
               note_id=_note_id(feedback, actor, note, at))
    return feedback


def feedback_reopen(
    *, actor: User, feedback: Feedback, reason: str, now: datetime | None = None
) -> Feedback:
    """closed → in_progress when the customer comes back within `MEMNUN_REOPEN_DAYS`.

    Later than that, the case stays closed and the customer's return is
    recorded as new feedback linked to it (`linking.feedback_follow_up`).
    """
    require(actor, moves.REOPEN.action, feedback)
    at = now_or(now)
    with transaction.atomic():
        feedback = case_lock(feedback)
        ensure_status(feedback, moves.REOPEN.sources, _("Only a closed case can be reopened."))
        if not moves.not_merged(feedback=feedback, actor=actor, now=at):
            raise Conflict(_("This case was merged into another: reopen that one."))
        if not moves.reopen_window_open(feedback=feedback, actor=actor, now=at):
            raise Conflict(
                _("This case was closed more than %(days)s days ago and cannot be reopened;"
                  " record the customer's return as new feedback linked to it.")
                % {"days": settings.MEMNUN_REOPEN_DAYS}
            )
        if not reason.strip():
            raise Conflict(_("Say why the case is reopened (note)."))
        before_level = feedback.escalation_level
        change = stage_enter(feedback=feedback, to=moves.REOPEN.target, by=actor, at=at)
        feedback.closure = ""
        feedback.closed_at = None
        feedback.save(update_fields=["closure", "closed_at"])
        escalation_on_return(
            feedback=feedback, reason=EscalationReason.REOPENED, by=actor, at=at
        )  # its reason is the note written below
        _moved(actor=actor, feedback=feedback, move=moves.REOPEN.name, change=change,
               escalation_level={"before": before_level, "after": feedback.escalation_level},
               note_id=_note_id(feedback, actor, reason, at))
    return feedback


@dataclass(frozen=True)
class TransitionInput:
    """`POST /api/v1/feedback/{reference}/transition`, as the API received it."""

    to: str
    note: str = ""
    assignee: str | None = None
    auto_assign: bool = False
    assessment: AssessmentInput | None = None
    root_cause: str = ""
    root_cause_category: str | None = None
    corrective_action: str = ""
    resolution: str = ""
    response_type: str = ""
    response_justification: str = ""
    send_back_reason: str = ""
    closure: str | None = None
    external_recourse: str = ""


def feedback_transition(
    *, actor: User, feedback: Feedback, data: TransitionInput, now: datetime | None = None
) -> None:
    """Hand a requested move to its service (`moves.transition_move`); the service judges it."""
    if not (actions_on(actor, feedback) & MOVE_ACTIONS):
        raise NotPermitted(_("Your role may not move cases."))
    move = transition_move(source=feedback.status, target=data.to, closure=data.closure)
    move.perform(actor=actor, feedback=feedback, now=now, **move.arguments(data))
