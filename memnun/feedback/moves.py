"""The lifecycle as one table: every move a case can make, who may make it, and when.

`MOVES` is the state machine. Each `Move` names the statuses it leaves, the
status it enters, the action of the permission matrix it needs
(`permissions.MATRIX`), its guards (what must hold on the case, one small
function each) and the service that performs it. Everything else reads it:

- `services.lifecycle.stage_enter` refuses a status change no move makes;
- `services.lifecycle.feedback_transition` hands a requested move to its service;
- `selectors.case.actions_now` offers, on the desk, only the moves possible now;
- `CLOSURE_ACTIONS` tells the closing service and the desk's close form which
  permission each way of closing needs;
- the API's description of the transition call (`transition_description`) and
  the table in `docs/lifecycle.md` (`moves_markdown`; regenerate with
  `python manage.py lifecycle_table --write`).

The services stay the judges: each re-checks its from-states and guards under
the row lock and refuses with its own reason (409); the role is checked first
(403). To add a move, add a row here, its service, and regenerate the doc.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from django.conf import settings
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from memnun.accounts.models import User
from memnun.accounts.roles import Role
from memnun.feedback.codes import Closure, FeedbackType, Status
from memnun.feedback.errors import Conflict
from memnun.feedback.escalation import next_internal_level
from memnun.feedback.models import Feedback
from memnun.feedback.permissions import MATRIX, Action
from memnun.feedback.selectors.resolution import (
    resolution_accepted,
    resolution_awaiting_answer,
    resolution_latest_approved,
    resolution_pending,
)
from memnun.feedback.services.involvement import involvement_of

S = Status
A = Action


class Guard(Protocol):
    """A condition on the case (and who acts, and when) that a move needs."""

    __name__: str

    def __call__(self, *, feedback: Feedback, actor: User | None, now: datetime) -> bool: ...


# --- Guards: one rule each; the services call the same functions under lock. ---


def actor_not_involved(*, feedback: Feedback, actor: User | None, now: datetime) -> bool:
    """Nobody involved in what the case is about handles or decides it (objectivity)."""
    return actor is None or involvement_of(feedback, actor) is None


def complaint_categorised(*, feedback: Feedback, actor: User | None, now: datetime) -> bool:
    """A complaint has its category (given at the start or by revising the assessment)."""
    return feedback.type != FeedbackType.COMPLAINT or feedback.category_id is not None


def proposal_awaits_review(*, feedback: Feedback, actor: User | None, now: datetime) -> bool:
    """A proposed resolution waits for its review."""
    return resolution_pending(feedback) is not None


def actor_not_the_proposer(*, feedback: Feedback, actor: User | None, now: datetime) -> bool:
    """The reviewer is someone other than the one who proposed the resolution."""
    proposal = resolution_pending(feedback)
    return proposal is None or actor is None or proposal.proposed_by_id != actor.pk


def answer_awaited(*, feedback: Feedback, actor: User | None, now: datetime) -> bool:
    """A complaint's approved resolution waits for the customer's answer."""
    return resolution_awaiting_answer(feedback) is not None


def agreement_on_record(*, feedback: Feedback, actor: User | None, now: datetime) -> bool:
    """The customer agreed to the latest approved resolution."""
    return resolution_accepted(feedback)


def is_not_complaint(*, feedback: Feedback, actor: User | None, now: datetime) -> bool:
    """A suggestion, compliment or request: no agreement is asked for."""
    return feedback.type != FeedbackType.COMPLAINT


def has_approved_decision(*, feedback: Feedback, actor: User | None, now: datetime) -> bool:
    """The customer was given an approved decision with its reasons."""
    return resolution_latest_approved(feedback) is not None


def not_merged(*, feedback: Feedback, actor: User | None, now: datetime) -> bool:
    """The case was not closed as a duplicate (the surviving case carries on)."""
    return feedback.closure != Closure.MERGED


def reopen_window_open(*, feedback: Feedback, actor: User | None, now: datetime) -> bool:
    """Closed no more than `MEMNUN_REOPEN_DAYS` calendar days ago."""
    return feedback.closed_at is not None and now - feedback.closed_at <= timedelta(
        days=settings.MEMNUN_REOPEN_DAYS
    )


def higher_level_above(*, feedback: Feedback, actor: User | None, now: datetime) -> bool:
    """A level with an internal role stands above the case's (escalation.py's ladder)."""
    return next_internal_level(feedback.escalation_level) > feedback.escalation_level


# --- The table. ---


@dataclass(frozen=True, eq=False)
class Move:
    name: str
    sources: frozenset[str]
    # "" for a move that leaves the status as it is (an escalation).
    target: str
    action: Action
    # Dotted path: the services import this table, so it names them rather than importing them.
    service: str
    guards: tuple[Guard, ...] = ()
    # Service keyword ← transition field(s); "a|b" is the first of them that is not blank.
    inputs: Mapping[str, str] = field(default_factory=dict)
    closure: str = ""
    # False: another call makes the move (the customer's answer, a merge), not a transition.
    by_transition: bool = True
    # What to do instead, when a transition asks for a move it cannot make.
    instead: Promise | None = None
    summary: str = ""

    @property
    def perform(self) -> Callable[..., Any]:
        performer: Callable[..., Any] = import_string(self.service)
        return performer

    def arguments(self, request: object) -> dict[str, Any]:
        """The service's keyword arguments, read from a transition request."""
        values: dict[str, Any] = {}
        for keyword, source in self.inputs.items():
            names = source.split("|")
            found = [getattr(request, name) for name in names]
            values[keyword] = next((v for v in found if v), found[-1])
        return values

    def possible(
        self, *, feedback: Feedback, actor: User | None, now: datetime,
        held: dict[Guard, bool] | None = None,
    ) -> bool:
        """The case is in a from-state and every guard holds (roles aside). `held`: the
        guards already asked of this case, actor and moment (one query each, not one per
        move that shares the guard)."""
        if feedback.status not in self.sources:
            return False
        held = {} if held is None else held
        for guard in self.guards:
            if guard not in held:
                held[guard] = guard(feedback=feedback, actor=actor, now=now)
            if not held[guard]:
                return False
        return True


_LIFECYCLE = "memnun.feedback.services.lifecycle."
_OPEN = frozenset({S.CREATED, S.IN_PROGRESS, S.UNDER_REVIEW, S.RESOLVED})
_CLOSING_INPUTS = {"closure": "closure", "note": "note"}

START = Move(
    "start", frozenset({S.CREATED}), S.IN_PROGRESS, A.START, _LIFECYCLE + "feedback_start",
    guards=(actor_not_involved,),
    inputs={"assessment": "assessment", "assignee": "assignee", "auto_assign": "auto_assign",
            "note": "note"},
    summary="assigned (`assignee`, or `auto_assign`: the office's round robin), with the"
    " initial `assessment`",
)
PROPOSE = Move(
    "propose", frozenset({S.IN_PROGRESS}), S.UNDER_REVIEW, A.PROPOSE,
    _LIFECYCLE + "feedback_propose",
    guards=(actor_not_involved, complaint_categorised),
    inputs={"resolution": "resolution", "root_cause": "root_cause",
            "root_cause_category": "root_cause_category",
            "corrective_action": "corrective_action", "response_type": "response_type",
            "response_justification": "response_justification", "note": "note"},
    summary="`resolution` (the customer's message, with reasons); a complaint also needs"
    " its category, `root_cause`, `root_cause_category` and `corrective_action`;"
    " `response_type` `no_action` needs `response_justification`",
)
APPROVE = Move(
    "approve", frozenset({S.UNDER_REVIEW}), S.RESOLVED, A.APPROVE,
    _LIFECYCLE + "feedback_approve",
    guards=(proposal_awaits_review, actor_not_the_proposer, actor_not_involved),
    inputs={"note": "note"},
    summary="a second person approves; the decision (and, for a complaint, the customer's"
    " options) goes to the customer",
)
SEND_BACK = Move(
    "send_back", frozenset({S.UNDER_REVIEW}), S.IN_PROGRESS, A.SEND_BACK,
    _LIFECYCLE + "feedback_send_back",
    guards=(proposal_awaits_review, actor_not_the_proposer, actor_not_involved),
    inputs={"reason": "send_back_reason|note"},
    summary="the reviewer sends the proposal back, saying why",
)
CUSTOMER_REJECTS = Move(
    "customer_rejects", frozenset({S.RESOLVED}), S.IN_PROGRESS, A.RECORD_AGREEMENT,
    "memnun.feedback.services.customer_answers.customer_answer_record",
    guards=(answer_awaited,),
    by_transition=False,
    instead=gettext_lazy(
        "A resolved case goes back to work when the customer rejects the resolution:"
        " record their answer instead."
    ),
    summary="the customer's answer (tracking page, or staff recording it:"
    " `POST …/customer-answer`); `escalation_level` to the ladder's next level",
)
CLOSE_AGREED = Move(
    "close_agreed", frozenset({S.RESOLVED}), S.CLOSED, A.CLOSE_AGREED,
    _LIFECYCLE + "feedback_close",
    guards=(agreement_on_record, actor_not_involved),
    inputs=_CLOSING_INPUTS, closure=Closure.CUSTOMER_AGREED,
    summary="`closure: customer_agreed`",
)
CLOSE_RESPONDED = Move(
    "close_responded", frozenset({S.RESOLVED}), S.CLOSED, A.CLOSE_RESPONDED,
    _LIFECYCLE + "feedback_close",
    guards=(is_not_complaint, actor_not_involved),
    inputs=_CLOSING_INPUTS, closure=Closure.RESPONSE_SENT,
    summary="`closure: response_sent`: the approved response has gone out",
)
CLOSE_EXHAUSTED = Move(
    "close_exhausted", frozenset({S.RESOLVED, S.IN_PROGRESS}), S.CLOSED, A.CLOSE_EXHAUSTED,
    _LIFECYCLE + "feedback_close",
    guards=(has_approved_decision, actor_not_involved),
    inputs={**_CLOSING_INPUTS, "external_recourse": "external_recourse"},
    closure=Closure.OPTIONS_EXHAUSTED,
    summary="`closure: options_exhausted` with `external_recourse` (sent to the customer);"
    " also after the customer rejected a decision",
)
REOPEN = Move(
    "reopen", frozenset({S.CLOSED}), S.IN_PROGRESS, A.REOPEN, _LIFECYCLE + "feedback_reopen",
    guards=(not_merged, reopen_window_open),
    inputs={"reason": "note"},
    summary="`note` says why; `escalation_level` to the ladder's next level. Later, the"
    " customer's return is new feedback linked to the case (`POST …/follow-up`)",
)
MERGE = Move(
    "merge", _OPEN, S.CLOSED, A.MERGE, "memnun.feedback.services.merging.feedback_merge",
    guards=(actor_not_involved,),
    closure=Closure.MERGED, by_transition=False,
    summary="closed as a duplicate of an open case of the same customer"
    " (`POST …/merge`)",
)

_ESCALATION = "memnun.feedback.services.escalation."
ESCALATE = Move(
    "escalate", _OPEN, "", A.ESCALATE, _ESCALATION + "feedback_escalate",
    guards=(higher_level_above,),
    by_transition=False,
    summary="the case goes one level up the escalation ladder, with the reason given"
    " (desk); the status stays",
)
REFER_EXTERNAL = Move(
    "refer_external", _OPEN | {S.CLOSED}, "", A.REFER_EXTERNAL,
    _ESCALATION + "feedback_refer_external",
    guards=(not_merged,),
    by_transition=False,
    summary="records that the customer was pointed to, or took the case to, an external body"
    " (which, and when): the ladder's external level (desk); the status stays",
)

MOVES: tuple[Move, ...] = (
    START, PROPOSE, APPROVE, SEND_BACK, CUSTOMER_REJECTS, CLOSE_AGREED, CLOSE_RESPONDED,
    CLOSE_EXHAUSTED, REOPEN, MERGE, ESCALATE, REFER_EXTERNAL,
)
MOVE_BY_NAME: dict[str, Move] = {move.name: move for move in MOVES}
# Every (before, after) a case's status may take.
STATUS_CHANGES: frozenset[tuple[str, str]] = frozenset(
    (source, move.target) for move in MOVES for source in move.sources if move.target
)
# The actions that move a case (a role with none of them may not move cases: 403).
MOVE_ACTIONS: frozenset[Action] = frozenset(move.action for move in MOVES)
# The ways a transition closes a case, and the permission each needs.
CLOSURE_ACTIONS: dict[str, Action] = {
    move.closure: move.action for move in MOVES if move.closure and move.by_transition
}


def move_refusal(source: str, target: str) -> Conflict:
    """The reason for a status change that no move makes."""
    return Conflict(
        _("A case that is %(source)s cannot move to %(target)s.")
        % {"source": Status(source).label, "target": Status(target).label}
    )


def transition_move(*, source: str, target: str, closure: str | None = None) -> Move:
    """The move a transition request asks for: by the case's status, the status wanted and,
    when several moves lead there (the closings), the `closure` named.

    Such moves share one service (`feedback_close`), which judges the closure asked for.
    """
    found = [m for m in MOVES if source in m.sources and m.target == target]
    requested = [m for m in found if m.by_transition]
    if requested:
        return next((m for m in requested if m.closure and m.closure == closure), requested[0])
    instead = next((m.instead for m in found if m.instead is not None), None)
    if instead is not None:
        raise Conflict(str(instead))
    raise move_refusal(source, target)


def moves_possible(
    *, feedback: Feedback, actor: User | None, now: datetime,
    among: frozenset[Action] | None = None,
) -> list[Move]:
    """The moves the case's state and the guards allow now (among these actions)."""
    held: dict[Guard, bool] = {}
    return [
        move for move in MOVES
        if (among is None or move.action in among)
        and move.possible(feedback=feedback, actor=actor, now=now, held=held)
    ]


# --- The table as the documentation reads it. ---


def _roles(action: Action) -> str:
    return ", ".join(role.value for role in Role if action in MATRIX.get(role, frozenset()))


def _fields(move: Move) -> str:
    if not move.by_transition:
        return "–"
    names = [name for source in move.inputs.values() for name in source.split("|")]
    return ", ".join(f"`{name}`" for name in dict.fromkeys(names)) or "–"


def moves_markdown() -> str:
    """The table in docs/lifecycle.md, generated from `MOVES` (a test keeps them equal)."""
    lines = [
        "| move | from | to | action (roles) | guards | transition fields | service | what |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for move in MOVES:
        sources = ", ".join(s.value for s in Status if s in move.sources)
        guards = ", ".join(f"`{g.__name__}`" for g in move.guards) or "–"
        target = move.target or "(stays)"
        lines.append(
            f"| {move.name} | {sources} | {target} | `{move.action}` ({_roles(move.action)})"
            f" | {guards} | {_fields(move)} | `{move.service.rsplit('.', 2)[-2]}."
            f"{move.service.rsplit('.', 1)[-1]}` | {move.summary} |"
        )
    every_guard = dict.fromkeys(g for move in MOVES for g in move.guards)
    lines += ["", "Guards (`memnun/feedback/moves.py`):", ""]
    lines += [f"- `{g.__name__}`: {(g.__doc__ or '').strip()}" for g in every_guard]
    return "\n".join(lines) + "\n"


def transition_description() -> str:
    """The API's description of `POST …/transition`, from the moves a transition makes."""
    parts = [
        f"`{' | '.join(s.value for s in Status if s in move.sources)} → {move.target}`"
        f" ({move.name}: {move.summary})"
        for move in MOVES if move.by_transition
    ]
    return (
        "Moves: " + "; ".join(parts) + ". The case's status and `to` choose the move; closing"
        " chooses by `closure`. A move the lifecycle does not allow, or whose requirements are"
        " missing, answers 409 with the reason; a role that may not make it, 403."
    )
