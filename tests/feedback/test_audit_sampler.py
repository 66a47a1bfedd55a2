"""The process audit's sampler (R8.5): random closed cases per office and per handler,
the same for the same seed, every office covered, no case twice."""

from __future__ import annotations

from collections import Counter

import pytest

from memnun.accounts.roles import Role
from memnun.feedback.codes import Closure
from memnun.feedback.selectors.audit_sampler import audit_sample_draw
from memnun.organisation.models import Office
from tests.casework import Case, staff
from tests.feedback.audits import PERIOD, closed_in_period

pytestmark = pytest.mark.django_db


def _offices(*codes: str) -> list[int]:
    return [Office.objects.get(code=c).pk for c in codes]


def _draw(seed: int, *, per_office: int = 2, per_handler: int = 2,
          offices: tuple[str, ...] = ("ankara", "istanbul", "izmir")) -> list[int]:
    return [d.feedback_id for d in audit_sample_draw(
        office_ids=_offices(*offices), period_from=PERIOD[0], period_to=PERIOD[1],
        per_office=per_office, per_handler=per_handler, seed=seed,
    )]


@pytest.fixture
def closed_cases(demo: None) -> dict[str, list[int]]:
    """Istanbul: 8 cases of `handler`, 3 of a second handler; Ankara: 2; İzmir: none in
    the period; and cases the sampler must never take."""
    staff("handler2", Role.HANDLER)
    staff("ankara_handler", Role.HANDLER, office="ankara")
    cases = {
        "handler": [closed_in_period(day=d).pk for d in range(1, 9)],
        "handler2": [closed_in_period(assignee="handler2", day=d).pk for d in (3, 20, 31)],
        "ankara": [closed_in_period(office="ankara", assignee="ankara_handler", day=d).pk
                   for d in (2, 28)],
    }
    cases["never"] = [
        closed_in_period(office="izmir", day=1, month=11).pk,  # after the period
        Case().feedback.pk,  # open
        closed_in_period(closure=Closure.MERGED).pk,  # merged into another case
    ]
    return cases


def test_the_same_seed_draws_the_same_sample_and_other_seeds_others(
    closed_cases: dict[str, list[int]]
) -> None:
    first = _draw(11)
    assert _draw(11) == first
    assert len({tuple(_draw(seed)) for seed in range(1, 8)}) > 1


def test_every_office_with_closed_cases_is_covered_no_case_twice(
    closed_cases: dict[str, list[int]]
) -> None:
    for seed in range(1, 6):
        drawn = audit_sample_draw(
            office_ids=_offices("ankara", "istanbul", "izmir"), period_from=PERIOD[0],
            period_to=PERIOD[1], per_office=1, per_handler=2, seed=seed,
        )
        ids = [d.feedback_id for d in drawn]
        assert len(ids) == len(set(ids))
        assert not set(ids) & set(closed_cases["never"])
        offices = Counter(Office.objects.get(pk=d.office_id).code for d in drawn)
        assert set(offices) == {"istanbul", "ankara"}  # İzmir closed nothing in October
        handlers = Counter(d.handler_id for d in drawn)
        # Each handler gets per_handler of their cases (they all have at least two).
        assert sorted(handlers.values()) == [2, 2, 2]
        assert set(ids) <= set(closed_cases["handler"] + closed_cases["handler2"]
                               + closed_cases["ankara"])


def test_the_sample_is_the_size_asked_and_never_more_than_there_is(
    closed_cases: dict[str, list[int]]
) -> None:
    assert len(_draw(3, per_office=5, per_handler=1, offices=("istanbul",))) == 5
    # Istanbul has 11 closed cases: asking for 50 takes them all, once each.
    every = _draw(3, per_office=50, per_handler=1, offices=("istanbul",))
    assert sorted(every) == sorted(closed_cases["handler"] + closed_cases["handler2"])
