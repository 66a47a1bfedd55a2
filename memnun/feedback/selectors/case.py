"""Reads for the staff case page: the timeline, the deadlines, what may be done now.

`actions_now` narrows what the user's role allows on the case (permissions)
to what the case's state makes possible at the moment, so that the desk offers
only forms that can succeed. The services stay the judges: each re-checks
under lock and refuses (Conflict) what is not possible after all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from memnun.accounts.models import User
from memnun.accounts.roles import Role
from memnun.feedback.capa_codes import ResponseType
from memnun.feedback.codes import (
    WORKING_STATUSES,
    AckMethod,
    AnswerChannel,
    CompensationKind,
    CompensationStatus,
    ObligationKind,
    ProposalDecision,
    Status,
)
from memnun.feedback.escalation import ladder, level_at
from memnun.feedback.escalation_codes import EscalationReason, ExternalBody
from memnun.feedback.escalation_models import Escalation
from memnun.feedback.models import (
    Assignment,
    CaseMessage,
    Compensation,
    CustomerAnswer,
    Feedback,
    InvolvedPerson,
    Obligation,
    ResolutionProposal,
    StageChange,
)
from memnun.feedback.moves import moves_possible, not_merged, reopen_window_open
from memnun.feedback.permissions import Action, actions_on
from memnun.feedback.selectors.deadline_state import DeadlineState, obligation_state
from memnun.feedback.services.messaging import feedback_outbound_messages
from memnun.notifications.models import MessageStatus

A = Action


def staff_name(user: User | None) -> str:
    if user is None:
        return _("the customer or the system")
    return user.display_name


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str  # stage, note, message, proposal, decision, answer, ack, outbound, assignment, …
    title: str
    actor: str = ""
    text: str = ""
    detail: str = ""
    # The text is personal data (feedback.personal_fields.MESSAGE_TEXT): shown by the policy.
    personal: bool = False


def _stage_entries(feedback: Feedback) -> list[TimelineEntry]:
    rows = StageChange.objects.filter(feedback=feedback).select_related("by")
    return [
        TimelineEntry(
            at=row.at, kind="stage",
            title=_("Status: %(status)s") % {"status": Status(row.status).label},
            actor=staff_name(row.by) if row.by_id else _("The customer"),
        )
        for row in rows
    ]


def _message_entries(feedback: Feedback) -> list[TimelineEntry]:
    rows = CaseMessage.objects.filter(feedback=feedback).select_related("author")
    return [
        TimelineEntry(
            at=row.created_at,
            kind="message" if row.visible_to_customer else "note",
            title=_("Message to the customer") if row.visible_to_customer
            else _("Internal note"),
            actor=staff_name(row.author) if row.author_id else _("The system"),
            text=row.body, personal=True,
        )
        for row in rows
    ]


def _proposal_entries(feedback: Feedback) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    rows = ResolutionProposal.objects.filter(feedback=feedback).select_related(
        "proposed_by", "decided_by", "root_cause_category", "capa"
    )
    for row in rows:
        parts = [
            _("Resolution") + f": {row.resolution}",
        ]
        if row.root_cause:
            parts.append(_("Root cause") + f": {row.root_cause}")
        if row.root_cause_category is not None:
            parts.append(_("Root cause category") + f": {row.root_cause_category.name_tr}")
        if row.corrective_action:
            parts.append(_("Corrective action") + f": {row.corrective_action}")
        if row.response_type:
            parts.append(_("Response type") + f": {ResponseType(row.response_type).label}")
        if row.response_justification:
            parts.append(_("Justification") + f": {row.response_justification}")
        if row.capa is not None:
            parts.append(_("CAPA") + f": {row.capa.number}")
        entries.append(TimelineEntry(
            at=row.created_at, kind="proposal", title=_("Resolution proposed"),
            actor=staff_name(row.proposed_by), text="\n".join(parts),
        ))
        if row.decided_at is not None and row.decision != ProposalDecision.PENDING:
            entries.append(TimelineEntry(
                at=row.decided_at, kind="decision",
                title=_("Proposal: %(decision)s")
                % {"decision": ProposalDecision(row.decision).label},
                actor=staff_name(row.decided_by), text=row.reason,
            ))
    return entries


def _answer_entries(feedback: Feedback) -> list[TimelineEntry]:
    rows = CustomerAnswer.objects.filter(feedback=feedback).select_related("recorded_by")
    return [
        TimelineEntry(
            at=row.at, kind="answer",
            title=_("The customer agreed") if row.accept else _("The customer rejected"),
            actor=staff_name(row.recorded_by) if row.recorded_by_id else _("The customer"),
            text=row.comment, personal=True,
            detail=str(AnswerChannel(row.channel).label),
        )
        for row in rows
    ]


def _work_entries(feedback: Feedback) -> list[TimelineEntry]:
    entries = [
        TimelineEntry(
            at=row.at, kind="assignment",
            title=_("Assigned to %(user)s") % {"user": staff_name(row.assignee)},
            actor=staff_name(row.assigned_by) if row.assigned_by_id
            else _("Automatic assignment"),
        )
        for row in Assignment.objects.filter(feedback=feedback).select_related(
            "assignee", "assigned_by"
        )
    ]
    entries += [
        TimelineEntry(
            at=row.recorded_at, kind="involved",
            title=_("Involved in the subject: %(user)s") % {"user": staff_name(row.user)},
            actor=staff_name(row.recorded_by), text=row.role_in_subject,
        )
        for row in InvolvedPerson.objects.filter(feedback=feedback).select_related(
            "user", "recorded_by"
        )
    ]
    for row in Compensation.objects.filter(feedback=feedback).select_related("proposed_by"):
        entries.append(TimelineEntry(
            at=row.proposed_at, kind="compensation",
            title=_("Compensation: %(kind)s, %(amount)s TRY (%(status)s)")
            % {"kind": CompensationKind(row.kind).label, "amount": row.amount,
               "status": CompensationStatus(row.status).label},
            actor=staff_name(row.proposed_by), text=row.legal_basis,
        ))
    return entries


def _escalation_entries(feedback: Feedback) -> list[TimelineEntry]:
    rows = list(Escalation.objects.filter(feedback=feedback).select_related("by"))
    levels = ladder() if rows else ()
    entries = []
    for row in rows:
        detail = str(EscalationReason(row.reason).label)
        if row.external_body:
            detail += " · " + str(ExternalBody(row.external_body).label)
        if row.referred_on is not None:
            detail += " · " + row.referred_on.strftime("%d.%m.%Y")
        entries.append(TimelineEntry(
            at=row.at, kind="escalation",
            title=_("Escalated to level %(level)s: %(name)s")
            % {"level": row.to_level, "name": level_at(row.to_level, levels).name},
            actor=staff_name(row.by) if row.by_id else _("The customer"),
            text=row.text, detail=detail, personal=bool(row.text),
        ))
    return entries


def _ack_entries(feedback: Feedback) -> list[TimelineEntry]:
    if feedback.ack_sent_at is None:
        return []
    on_time = feedback.ack_on_time
    return [TimelineEntry(
        at=feedback.ack_sent_at, kind="ack", title=_("Acknowledgement given"),
        detail=(
            (str(AckMethod(feedback.ack_method).label) if feedback.ack_method else "")
            + (" · " + _("on time") if on_time else " · " + _("late") if on_time is False else "")
        ),
    )]


def _outbound_entries(feedback: Feedback) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            at=row.created_at, kind="outbound",
            title=_("Sent to the customer: %(subject)s") % {"subject": row.subject or row.kind},
            detail=_("%(channel)s · %(status)s")
            % {"channel": row.get_channel_display(),
               "status": MessageStatus(row.status).label},
        )
        for row in feedback_outbound_messages(feedback=feedback)
    ]


def case_timeline(*, feedback: Feedback) -> list[TimelineEntry]:
    """Everything that happened to the case, oldest first (internal notes included: staff only)."""
    entries = (
        _stage_entries(feedback) + _message_entries(feedback) + _proposal_entries(feedback)
        + _answer_entries(feedback) + _work_entries(feedback) + _ack_entries(feedback)
        + _outbound_entries(feedback) + _escalation_entries(feedback)
    )
    # At the same moment, the act comes first and the status it led to after it.
    order = {"stage": 2, "ack": 3, "outbound": 4}
    return sorted(entries, key=lambda e: (e.at, order.get(e.kind, 1)))


@dataclass(frozen=True)
class Deadline:
    kind: str
    label: str
    due_at: datetime
    met_at: datetime | None
    state: DeadlineState
    state_label: str


def case_deadlines(*, feedback: Feedback, now: datetime | None = None) -> list[Deadline]:
    now = now or timezone.now()
    result = []
    for row in Obligation.objects.filter(feedback=feedback).order_by("due_at", "id"):
        state = obligation_state(obligation=row, now=now)
        result.append(Deadline(
            kind=row.kind, label=str(ObligationKind(row.kind).label), due_at=row.due_at,
            met_at=row.met_at, state=state, state_label=str(state.label),
        ))
    return result


def compensations_pending(*, feedback: Feedback) -> list[Compensation]:
    return list(
        Compensation.objects.filter(feedback=feedback, status=CompensationStatus.PROPOSED)
        .select_related("proposed_by")
    )


def assignee_candidates(*, feedback: Feedback) -> list[User]:
    """People a case may be given to: active handlers, leads of its office, quality managers."""
    return assignees_in(office_id=feedback.office_id)


def assignees_in(*, office_id: int | None) -> list[User]:
    """The people cases of an office may be given to (None: of any office, as for a
    selection of cases from several offices; the service checks each case's office)."""
    office = Q() if office_id is None else Q(office_id=office_id)
    return list(
        User.objects.filter(is_active=True)
        .filter(Q(Q(role__in=[Role.HANDLER, Role.REVIEWER]) & office) | Q(role=Role.QUALITY))
        .order_by("role", "username")
    )


# Work on a case that is not a move: done while it is worked (the services' WORKING_STATUSES).
_WHILE_WORKED = frozenset({A.ASSESS, A.ASSIGN, A.COMPENSATION_PROPOSE})


def actions_now(
    *, user: User, feedback: Feedback, now: datetime | None = None
) -> frozenset[Action]:
    """What the user may do with the case and its state makes possible at the moment.

    The moves come from the lifecycle's table (`moves.MOVES`): those whose
    from-states and guards hold now, for this user.
    """
    allowed = actions_on(user, feedback)
    at = now or timezone.now()
    possible = {
        move.action
        for move in moves_possible(feedback=feedback, actor=user, now=at, among=allowed)
    }
    possible |= {
        A.VIEW, A.REVEAL_PERSONAL_DATA, A.VIEW_ATTACHMENTS, A.ADD_NOTE, A.RECORD_INVOLVED,
        A.MESSAGE_CUSTOMER, A.ADD_ATTACHMENT, A.LINK, A.RECORD_CONSENT, A.DISCLOSE,
    }
    if feedback.ack_sent_at is None:
        possible.add(A.ACKNOWLEDGE)
    if (
        feedback.status == Status.CLOSED
        and not_merged(feedback=feedback, actor=user, now=at)
        and not reopen_window_open(feedback=feedback, actor=user, now=at)
    ):
        # Past the reopening window the customer's return is new feedback linked to this.
        possible.add(A.FOLLOW_UP)
    if feedback.status == Status.IN_PROGRESS:
        possible.add(A.ASK_CUSTOMER)  # ask, or record the answer to the open question
    if feedback.status in WORKING_STATUSES:
        possible |= _WHILE_WORKED
        if Compensation.objects.filter(
            feedback=feedback, status=CompensationStatus.PROPOSED
        ).exists():
            possible.add(A.COMPENSATION_APPROVE)
    return frozenset(allowed & possible)
