"""Racing moves on one case: the row lock lets exactly one win (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from memnun.accounts.models import User
from memnun.feedback.codes import Status
from memnun.feedback.errors import Conflict
from memnun.feedback.models import CustomerAnswer, Feedback, StageChange
from memnun.feedback.services.customer_answers import customer_answer_record
from memnun.feedback.services.lifecycle import feedback_approve
from tests.casework import case_in, user


def race(*moves: Callable[[], object]) -> tuple[int, list[BaseException]]:
    """Run the moves at the same moment; count the winners, collect the refusals."""
    start = threading.Barrier(len(moves))
    won: list[int] = []
    refused: list[BaseException] = []

    def run(move: Callable[[], object]) -> None:
        try:
            start.wait()
            move()
            won.append(1)
        except BaseException as exc:
            refused.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(m,)) for m in moves]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return len(won), refused


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_reviewers_approve_at_once(demo: None) -> None:
    case = case_in("under_review")
    reviewer, quality = user("reviewer"), user("quality")

    def approve(who: User) -> Callable[[], object]:
        return lambda: feedback_approve(
            actor=who, feedback=Feedback.objects.get(pk=case.feedback.pk)
        )

    won, refused = race(approve(reviewer), approve(quality))
    assert won == 1 and len(refused) == 1 and isinstance(refused[0], Conflict), refused
    assert case.fresh().status == Status.RESOLVED
    assert StageChange.objects.filter(feedback=case.feedback, status=Status.RESOLVED).count() == 1


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_double_click_on_reject_escalates_once(demo: None) -> None:
    case = case_in("resolved")

    def reject() -> None:
        customer_answer_record(feedback=Feedback.objects.get(pk=case.feedback.pk), accept=False)

    won, refused = race(reject, reject, reject)
    assert won == 1 and all(isinstance(e, Conflict) for e in refused), refused
    feedback = case.fresh()
    assert feedback.status == Status.IN_PROGRESS and feedback.escalation_level == 1
    assert CustomerAnswer.objects.filter(feedback=feedback).count() == 1


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_an_approval_racing_an_escalation_never_decides_above_its_level(demo: None) -> None:
    """A reviewer approves a level-2 case while a quality manager escalates it to 3: the
    approval comes first (and the escalation follows on the resolved case) or it is refused
    on the locked row, never a reviewer's decision at level 3."""
    from memnun.audit.models import AuditEvent
    from memnun.feedback.errors import NotPermitted
    from memnun.feedback.services.escalation import feedback_escalate
    from tests.feedback.test_escalation import escalated_to

    case = escalated_to(2)

    def approve() -> None:
        feedback_approve(actor=user("reviewer"), feedback=Feedback.objects.get(pk=case.feedback.pk))

    def escalate() -> None:
        feedback_escalate(actor=user("quality"), reason="Acil.",
                          feedback=Feedback.objects.get(pk=case.feedback.pk))

    won, refused = race(approve, escalate)
    feedback = case.fresh()
    assert feedback.escalation_level == 3
    events = AuditEvent.objects.filter(object_id=feedback.reference).order_by("-seq")
    escalated = events.filter(action="feedback.escalated").first()
    assert escalated is not None and escalated.data["after"]["escalation_level"] == 3
    if won == 2:
        approved = events.filter(action="feedback.moved", data__move="approve").first()
        assert approved is not None and approved.seq < escalated.seq
        assert feedback.status == Status.RESOLVED
    else:
        assert won == 1 and [type(e) for e in refused] == [NotPermitted], refused
        assert feedback.status == Status.UNDER_REVIEW
