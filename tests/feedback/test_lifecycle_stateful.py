"""Random sequences of moves by random roles on a few cases; the lifecycle's rules hold throughout.

Each step asks a role to make a move of the table (`feedback.moves.MOVES`) through
the move's own service, with valid input: what the desk offers that role now
(`actions_now`) must succeed and land on the move's target, and what it does not
offer must be refused, 403 when the role may not act on the case at all, 409
otherwise. After every step the invariants below hold on the stored rows.

Each example runs inside a savepoint of the test's transaction, rolled back at
its end, so examples start from the same demo organisation.
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from memnun.accounts.models import User
from memnun.accounts.roles import Role
from memnun.audit.chain import audit_verify
from memnun.feedback.codes import Closure, FeedbackType, ProposalDecision, Status
from memnun.feedback.errors import Conflict, NotPermitted
from memnun.feedback.models import CaseMessage, Feedback, ResolutionProposal, StageChange
from memnun.feedback.moves import (
    CUSTOMER_REJECTS,
    MERGE,
    MOVES,
    STATUS_CHANGES,
    Move,
    answer_awaited,
)
from memnun.feedback.permissions import actions_on
from memnun.feedback.selectors.case import actions_now
from memnun.feedback.selectors.resolution import resolution_accepted
from memnun.feedback.services.assessment import AssessmentInput
from memnun.feedback.services.customer_answers import customer_answer_record
from memnun.feedback.services.lifecycle import TransitionInput
from memnun.feedback.services.merging import feedback_merge
from tests.casework import Case

pytestmark = pytest.mark.django_db

ROLES = ["agent", "handler", "reviewer", "quality", "auditor", "admin"]
RECOURSE = "İlçe tüketici hakem heyetine veya tüketici mahkemesine başvurabilirsiniz."
TRANSITION_MOVES = [m for m in MOVES if m.by_transition]
MAX_CASES = 3


def _request(move: Move, actor: User) -> TransitionInput:
    """A valid request for the move: whatever the case and role, the input is never the issue."""
    takes_it = actor.role in {Role.HANDLER, Role.QUALITY}
    return TransitionInput(
        to=move.target,
        note="Müşteri aradı.",
        assignee=actor.username if takes_it else "handler",
        assessment=AssessmentInput(severity="medium", safety_hazard=False,
                                   category="repair-delay"),
        root_cause="Yedek parça tedarikçiden geç geldi.",
        root_cause_category="part-supply",
        corrective_action="İkinci bir tedarikçiyle anlaşıldı.",
        resolution="Ekranınız yarın değiştirilecek.",
        send_back_reason="Kök neden belirsiz.",
        closure=move.closure or None,
        external_recourse=RECOURSE,
    )


class LifecycleMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.savepoint = transaction.savepoint()
        self.users = {name: User.objects.get(username=name) for name in ROLES}
        self.cases: list[Case] = []

    def teardown(self) -> None:
        transaction.savepoint_rollback(self.savepoint)

    def _case(self, index: int) -> Feedback:
        return self.cases[index % len(self.cases)].fresh()

    @initialize(kind=st.sampled_from(FeedbackType.values), stage=st.sampled_from(Status.values))
    def first_case(self, kind: str, stage: str) -> None:
        """A case already some way along, so that short runs reach the later moves too."""
        case = Case(type=kind)
        steps = [case.start, case.propose, case.approve]
        for step in steps[: [*Status.values, Status.CLOSED].index(stage)]:
            step()
        if stage == Status.CLOSED:
            if kind == FeedbackType.COMPLAINT:
                case.answer(accept=True)
            case.close()
        self.cases.append(case)

    @precondition(lambda self: len(self.cases) < MAX_CASES)
    @rule(kind=st.sampled_from(FeedbackType.values), office=st.sampled_from(["istanbul", "ankara"]))
    def another_case(self, kind: str, office: str) -> None:
        self.cases.append(Case(type=kind, office=office))

    def _judge(
        self, *, offered: bool, allowed: bool, attempt: Any, feedback: Feedback,
        target: str | None,
    ) -> None:
        before = feedback.status
        outcome: int
        try:
            attempt()
            outcome = 200
        except NotPermitted:
            outcome = 403
        except Conflict:
            outcome = 409
        after = self._refetch(feedback).status
        if offered:
            assert outcome == 200, "an offered action was refused"
            assert after == (target or before)
        else:
            assert outcome == (409 if allowed else 403), "an action not offered was not refused"
            assert after == before

    @staticmethod
    def _refetch(feedback: Feedback) -> Feedback:
        return Feedback.objects.get(pk=feedback.pk)

    @rule(index=st.integers(0, MAX_CASES - 1), role=st.sampled_from(ROLES),
          move=st.sampled_from(TRANSITION_MOVES))
    def make_a_move(self, index: int, role: str, move: Move) -> None:
        feedback, actor = self._case(index), self.users[role]
        arguments = move.arguments(_request(move, actor))
        self._judge(
            offered=move.action in actions_now(user=actor, feedback=feedback),
            allowed=move.action in actions_on(actor, feedback),
            attempt=lambda: move.perform(actor=actor, feedback=feedback, **arguments),
            feedback=feedback, target=move.target,
        )

    @rule(index=st.integers(0, MAX_CASES - 1), role=st.sampled_from([None, *ROLES]),
          accept=st.booleans())
    def the_customer_answers(self, index: int, role: str | None, accept: bool) -> None:
        """On the tracking page (no role) or recorded by staff from a call."""
        feedback = self._case(index)
        actor = self.users[role] if role else None
        if actor is None:
            offered = answer_awaited(feedback=feedback, actor=None, now=feedback.received_at)
            allowed = True
        else:
            offered = CUSTOMER_REJECTS.action in actions_now(user=actor, feedback=feedback)
            allowed = CUSTOMER_REJECTS.action in actions_on(actor, feedback)
        self._judge(
            offered=offered, allowed=allowed,
            attempt=lambda: customer_answer_record(
                feedback=feedback, accept=accept, recorded_by=actor,
                channel="web" if actor is None else "phone", comment="Tamam.",
            ),
            feedback=feedback, target=None if accept else CUSTOMER_REJECTS.target,
        )

    @rule(index=st.integers(0, MAX_CASES - 1), into=st.integers(0, MAX_CASES - 1),
          role=st.sampled_from(ROLES))
    def merge(self, index: int, into: int, role: str) -> None:
        duplicate, survivor, actor = self._case(index), self._case(into), self.users[role]
        same = duplicate.pk == survivor.pk
        self._judge(
            offered=not same and all(
                MERGE.action in actions_now(user=actor, feedback=f) for f in (duplicate, survivor)
            ),
            allowed=all(MERGE.action in actions_on(actor, f) for f in (duplicate, survivor)),
            attempt=lambda: feedback_merge(actor=actor, duplicate=duplicate, into=survivor),
            feedback=duplicate, target=MERGE.target,
        )

    @rule(index=st.integers(0, MAX_CASES - 1), data=st.data())
    def somebody_does_what_is_offered(self, index: int, data: st.DataObject) -> None:
        """Random moves are mostly refused; this one walks the cases through the table."""
        feedback = self._case(index)
        choices: list[tuple[str | None, Move | bool]] = [
            (role, move)
            for role in ROLES
            for move in TRANSITION_MOVES
            if move.action in actions_now(user=self.users[role], feedback=feedback)
        ]
        if answer_awaited(feedback=feedback, actor=None, now=feedback.received_at):
            choices += [(None, True), (None, False)]
        if not choices:
            return
        role, what = data.draw(st.sampled_from(choices))
        if isinstance(what, Move):
            assert role is not None
            self.make_a_move(index, role, what)
        else:
            self.the_customer_answers(index, role, what)

    @rule(index=st.integers(0, MAX_CASES - 1))
    def a_month_passes_after_closing(self, index: int) -> None:
        """Past the reopening window: the case stays closed (the return is new feedback)."""
        feedback = self._case(index)
        if feedback.closed_at is not None:
            Feedback.objects.filter(pk=feedback.pk).update(
                closed_at=feedback.closed_at
                - timedelta(days=django_settings.MEMNUN_REOPEN_DAYS + 1)
            )

    # --- Invariants, on the stored rows. ---

    @invariant()
    def status_changes_only_along_the_table(self) -> None:
        for case in self.cases:
            feedback = case.fresh()
            stages = list(
                StageChange.objects.filter(feedback=feedback).order_by("at", "id")
                .values_list("status", flat=True)
            )
            assert stages[0] == Status.CREATED and stages[-1] == feedback.status
            assert all(pair in STATUS_CHANGES for pair in itertools.pairwise(stages))
            assert (feedback.status == Status.CLOSED) == bool(feedback.closure)
            assert (feedback.status == Status.CLOSED) == (feedback.closed_at is not None)

    @invariant()
    def a_resolved_complaint_was_reviewed_by_another_with_its_cause_and_action(self) -> None:
        for case in self.cases:
            feedback = case.fresh()
            if feedback.type != FeedbackType.COMPLAINT:
                continue
            approved = ResolutionProposal.objects.filter(
                feedback=feedback, decision=ProposalDecision.APPROVED
            )
            if feedback.status == Status.RESOLVED:
                assert approved.exists()
            for proposal in approved:
                assert proposal.decided_by_id != proposal.proposed_by_id
                assert proposal.root_cause.strip() and proposal.corrective_action.strip()

    @invariant()
    def closures_have_what_they_need(self) -> None:
        for case in self.cases:
            feedback = case.fresh()
            if feedback.closure == Closure.CUSTOMER_AGREED:
                assert resolution_accepted(feedback)
            elif feedback.closure == Closure.OPTIONS_EXHAUSTED:
                closing = StageChange.objects.filter(
                    feedback=feedback, status=Status.CLOSED
                ).latest("at", "id")
                assert closing.by is not None and closing.by.role == Role.QUALITY
                # Told to the customer as the case closed (closed_at may have aged since).
                assert CaseMessage.objects.filter(
                    feedback=feedback, visible_to_customer=True, body=RECOURSE,
                    created_at=closing.at,
                ).exists()
            elif feedback.closure == Closure.RESPONSE_SENT:
                assert feedback.type != FeedbackType.COMPLAINT

    @invariant()
    def the_audit_chain_verifies(self) -> None:
        assert audit_verify().ok


def test_random_work_keeps_the_lifecycle_rules(demo: None) -> None:
    run_state_machine_as_test(
        LifecycleMachine,
        settings=settings(
            max_examples=15, stateful_step_count=20, deadline=None, derandomize=True,
            database=None, suppress_health_check=[HealthCheck.too_slow],
        ),
    )
