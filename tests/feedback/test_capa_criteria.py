"""The measured effectiveness criteria, on complaints built to pass and to fail (R8.7)."""

from __future__ import annotations

import pytest
from django.utils.translation import override

from memnun.feedback.capa_codes import CheckResult, CriterionKind
from memnun.feedback.errors import Conflict
from memnun.feedback.selectors.capa_criteria import State, capa_criterion_evaluate
from memnun.feedback.services.capa import capa_check_record
from tests.casework import user
from tests.feedback.capas import acted, complaint, new_capa
from tests.feedback.cases import at

pytestmark = pytest.mark.django_db

DONE = at("2026-09-02 11:00")  # a Wednesday


def _no_complaints() -> object:
    return new_capa(criterion_kind=CriterionKind.NO_COMPLAINTS, criterion_days=30)


def test_nothing_is_measurable_while_an_action_is_open(demo: None) -> None:
    capa = _no_complaints()
    evaluation = capa_criterion_evaluate(capa=capa, now=at("2026-11-01 10:00"))
    assert evaluation.state == State.NOT_MEASURABLE


@override("en")  # its summary is matched in English
def test_no_complaints_for_n_days_met(demo: None) -> None:
    capa = acted(_no_complaints(), done_at=DONE)
    complaint(at("2026-09-01 10:00"))  # before the actions were done
    complaint(at("2026-09-10 10:00"), office="ankara")  # another office
    complaint(at("2026-09-10 10:00"), category="pricing")  # another category
    early = capa_criterion_evaluate(capa=capa, now=at("2026-09-20 10:00"))
    assert (early.state, early.count) == (State.NOT_MEASURABLE, 0)
    assert "17 of the 30 days" in early.summary
    with pytest.raises(Conflict, match="not met"):
        capa_check_record(actor=user("quality"), capa=capa, result=CheckResult.EFFECTIVE,
                          now=at("2026-09-20 10:00"))

    done = capa_criterion_evaluate(capa=capa, now=at("2026-10-02 11:00"))
    assert (done.state, done.count, done.since) == (State.MET, 0, DONE)
    check = capa_check_record(actor=user("quality"), capa=capa, result=CheckResult.EFFECTIVE,
                              now=at("2026-10-02 11:00"))
    assert check.measured["state"] == State.MET


def test_no_complaints_for_n_days_not_met(demo: None) -> None:
    capa = acted(_no_complaints(), done_at=DONE)
    complaint(at("2026-09-25 16:00"))
    evaluation = capa_criterion_evaluate(capa=capa, now=at("2026-09-26 10:00"))
    assert (evaluation.state, evaluation.count) == (State.NOT_MET, 1)
    # The window is over: still not met (the complaint fell inside it).
    later = capa_criterion_evaluate(capa=capa, now=at("2026-12-01 10:00"))
    assert (later.state, later.count) == (State.NOT_MET, 1)


def _weekly(office: str | None = "istanbul") -> object:
    return new_capa(office=office, criterion_kind=CriterionKind.WEEKLY_VOLUME,
                    criterion_weeks=3, criterion_level=1)


def _weeks(evaluation: object) -> list[tuple[str, int]]:
    return [(w.start.isoformat(), w.count) for w in evaluation.weeks]  # type: ignore[attr-defined]


def test_weekly_volume_met(demo: None) -> None:
    capa = acted(_weekly(), done_at=DONE)
    complaint(at("2026-09-03 10:00"))  # the week the actions were done in: not counted
    complaint(at("2026-09-03 12:00"))
    complaint(at("2026-09-07 00:30"))  # Monday 00:30 Istanbul (Sunday evening UTC)
    complaint(at("2026-09-20 23:30"))  # Sunday 23:30 Istanbul: still the week of the 14th
    complaint(at("2026-09-22 10:00"), office="ankara")  # another office
    evaluation = capa_criterion_evaluate(capa=capa, now=at("2026-09-28 10:00"))
    assert _weeks(evaluation) == [("2026-09-07", 1), ("2026-09-14", 1), ("2026-09-21", 0)]
    assert evaluation.state == State.MET


def test_weekly_volume_not_met_and_every_office(demo: None) -> None:
    capa = acted(_weekly(office=None), done_at=DONE)
    complaint(at("2026-09-15 10:00"))
    complaint(at("2026-09-16 10:00"), office="izmir")
    evaluation = capa_criterion_evaluate(capa=capa, now=at("2026-09-28 10:00"))
    assert _weeks(evaluation) == [("2026-09-07", 0), ("2026-09-14", 2), ("2026-09-21", 0)]
    assert evaluation.state == State.NOT_MET


def test_weekly_volume_not_yet_measurable(demo: None) -> None:
    capa = acted(_weekly(), done_at=DONE)
    complaint(at("2026-09-15 10:00"))
    evaluation = capa_criterion_evaluate(capa=capa, now=at("2026-09-27 23:00"))
    assert _weeks(evaluation) == [("2026-09-07", 0), ("2026-09-14", 1)]
    assert evaluation.state == State.NOT_MEASURABLE
    # The last three complete weeks, once more have passed.
    later = capa_criterion_evaluate(capa=capa, now=at("2026-10-06 09:00"))
    assert _weeks(later) == [("2026-09-14", 1), ("2026-09-21", 0), ("2026-09-28", 0)]
    assert later.state == State.MET
