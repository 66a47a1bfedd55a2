"""Reads for the staff case page: the timeline, the deadlines, what may be done now.

`actions_now` narrows what the user's role allows on the case (permissions)
to what the case's state makes possible at the moment, so that the desk offers
only forms that can succeed. The services stay the judges: each re-checks
under lock and refuses (Conflict) what is not possible after all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from memnun.accounts.models import User, display_name
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
from memnun.feedback.selectors.case_rows import Source, rows_of
from memnun.feedback.selectors.deadline_state import DeadlineState, obligation_state
from memnun.feedback.services.messaging import feedback_outbound_messages
from memnun.notifications.models import MessageStatus

A = Action
Rows = dict[type[models.Model], list[dict[str, Any]]]
Names = dict[int, str]


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


def _stage_entries(rows: Rows, names: Names) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            at=row["at"], kind="stage",
            title=_("Status: %(status)s") % {"status": Status(row["status"]).label},
            actor=names[row["by_id"]] if row["by_id"] else _("The customer"),
        )
        for row in rows[StageChange]
    ]


def _message_entries(rows: Rows, names: Names) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            at=row["created_at"],
            kind="message" if row["visible_to_customer"] else "note",
            title=_("Message to the customer") if row["visible_to_customer"]
            else _("Internal note"),
            actor=names[row["author_id"]] if row["author_id"] else _("The system"),
            text=row["body"], personal=True,
        )
        for row in rows[CaseMessage]
    ]


def _proposal_entries(rows: Rows, names: Names) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    for row in rows[ResolutionProposal]:
        parts = [
            _("Resolution") + f": {row['resolution']}",
        ]
        if row["root_cause"]:
            parts.append(_("Root cause") + f": {row['root_cause']}")
        if row["category_name"] is not None:
            parts.append(_("Root cause category") + f": {row['category_name']}")
        if row["corrective_action"]:
            parts.append(_("Corrective action") + f": {row['corrective_action']}")
        if row["response_type"]:
            parts.append(_("Response type") + f": {ResponseType(row['response_type']).label}")
        if row["response_justification"]:
            parts.append(_("Justification") + f": {row['response_justification']}")
        if row["capa_number"] is not None:
            parts.append(_("CAPA") + f": {row['capa_number']}")
        entries.append(TimelineEntry(
            at=row["created_at"], kind="proposal", title=_("Resolution proposed"),
            actor=names[row["proposed_by_id"]], text="\n".join(parts),
        ))
        if row["decided_at"] is not None and row["decision"] != ProposalDecision.PENDING:
            entries.append(TimelineEntry(
                at=row["decided_at"], kind="decision",
                title=_("Proposal: %(decision)s")
                % {"decision": ProposalDecision(row["decision"]).label},
                actor=names[row["decided_by_id"]], text=row["reason"],
            ))
    return entries


def _answer_entries(rows: Rows, names: Names) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            at=row["at"], kind="answer",
            title=_("The customer agreed") if row["accept"] else _("The customer rejected"),
            actor=names[row["recorded_by_id"]] if row["recorded_by_id"] else _("The customer"),
            text=row["comment"], personal=True,
            detail=str(AnswerChannel(row["channel"]).label),
        )
        for row in rows[CustomerAnswer]
    ]


def _work_entries(rows: Rows, names: Names) -> list[TimelineEntry]:
    entries = [
        TimelineEntry(
            at=row["at"], kind="assignment",
            title=_("Assigned to %(user)s") % {"user": names[row["assignee_id"]]},
            actor=names[row["assigned_by_id"]] if row["assigned_by_id"]
            else _("Automatic assignment"),
        )
        for row in rows[Assignment]
    ]
    entries += [
        TimelineEntry(
            at=row["recorded_at"], kind="involved",
            title=_("Involved in the subject: %(user)s") % {"user": names[row["user_id"]]},
            actor=names[row["recorded_by_id"]], text=row["role_in_subject"],
        )
        for row in rows[InvolvedPerson]
    ]
    for row in rows[Compensation]:
        entries.append(TimelineEntry(
            at=row["proposed_at"], kind="compensation",
            title=_("Compensation: %(kind)s, %(amount)s TRY (%(status)s)")
            % {"kind": CompensationKind(row["kind"]).label, "amount": row["amount"],
               "status": CompensationStatus(row["status"]).label},
            actor=names[row["proposed_by_id"]], text=row["legal_basis"],
        ))
    return entries


def _escalation_entries(rows: Rows, names: Names) -> list[TimelineEntry]:
    levels = ladder() if rows[Escalation] else ()
    entries = []
    for row in rows[Escalation]:
        detail = str(EscalationReason(row["reason"]).label)
        if row["external_body"]:
            detail += " · " + str(ExternalBody(row["external_body"]).label)
        if row["referred_on"] is not None:
            detail += " · " + row["referred_on"].strftime("%d.%m.%Y")
        entries.append(TimelineEntry(
            at=row["at"], kind="escalation",
            title=_("Escalated to level %(level)s: %(name)s")
            % {"level": row["to_level"], "name": level_at(row["to_level"], levels).name},
            actor=names[row["by_id"]] if row["by_id"] else _("The customer"),
            text=row["text"], detail=detail, personal=bool(row["text"]),
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


# What the timeline reads of each table, in one statement (`case_rows`).
_TIMELINE_SOURCES = (
    Source(StageChange, ("status", "at", "by_id")),
    Source(CaseMessage, ("created_at", "visible_to_customer", "author_id", "body")),
    Source(
        ResolutionProposal,
        ("created_at", "proposed_by_id", "resolution", "root_cause", "corrective_action",
         "response_type", "response_justification", "decided_at", "decision",
         "decided_by_id", "reason"),
        related=(("category_name", "root_cause_category_id", "name_tr"),
                 ("capa_number", "capa_id", "number")),
    ),
    Source(CustomerAnswer, ("at", "accept", "recorded_by_id", "comment", "channel")),
    Source(Assignment, ("at", "assignee_id", "assigned_by_id")),
    Source(InvolvedPerson, ("recorded_at", "user_id", "recorded_by_id", "role_in_subject")),
    Source(Compensation, ("proposed_at", "kind", "amount", "status", "proposed_by_id",
                          "legal_basis")),
    Source(Escalation, ("at", "reason", "external_body", "referred_on", "to_level", "by_id",
                        "text")),
)


def _staff_names(rows: Rows) -> Names:
    """The names of the staff the rows mention (their `…_id` fields), in one read."""
    ids = {value for table in rows.values() for row in table
           for name, value in row.items() if name.endswith("_id") and value}
    people = User.objects.filter(pk__in=ids).values_list(
        "pk", "first_name", "last_name", "username"
    ) if ids else []
    return {pk: display_name(first=first, last=last, username=username)
            for pk, first, last, username in people}


def case_timeline(*, feedback: Feedback) -> list[TimelineEntry]:
    """Everything that happened to the case, oldest first (internal notes included: staff only)."""
    rows = rows_of(feedback.pk, _TIMELINE_SOURCES)
    names = _staff_names(rows)
    entries = (
        _stage_entries(rows, names) + _message_entries(rows, names)
        + _proposal_entries(rows, names) + _answer_entries(rows, names)
        + _work_entries(rows, names) + _ack_entries(feedback)
        + _outbound_entries(feedback) + _escalation_entries(rows, names)
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
