"""Obligations: opened at intake, timed by the office calendar, paused, recomputed."""

from __future__ import annotations

from datetime import datetime

import pytest

from memnun.audit.chain import audit_verify
from memnun.audit.models import AuditEvent
from memnun.feedback.models import Feedback, Obligation
from memnun.feedback.services.obligations import (
    obligations_pause,
    obligations_recompute,
    obligations_resume,
)
from memnun.organisation.models import Category
from tests.feedback.cases import at, record

pytestmark = pytest.mark.django_db


def due(feedback: Feedback, kind: str) -> Obligation:
    return Obligation.objects.get(feedback=feedback, kind=kind)


def test_intake_opens_acknowledgement_and_resolution(demo: None) -> None:
    case = record(channel="fax", received_at=at("2026-11-20 20:00"))
    ack, resolution = due(case, "acknowledgement"), due(case, "resolution")
    assert ack.target_key == "ack:fax" and ack.due_at == at("2026-11-23 15:00")
    assert ack.warn_at == at("2026-11-23 13:48")  # 80 % of six business hours
    # Ten business days of nine hours from Monday's opening: Friday week, closing time.
    assert resolution.target_key == "resolution:complaint"
    assert resolution.due_at == at("2026-12-04 18:00")
    assert ack.met_at is None and ack.on_time is None
    # The case carries its acknowledgement and the next running deadline.
    assert case.ack_due_at == ack.due_at and case.ack_sent_at is None
    assert (case.next_due_at, case.next_due_kind) == (ack.due_at, "acknowledgement")
    event = AuditEvent.objects.get(object_id=case.reference, action="feedback.created")
    assert set(event.data["after"]["obligations"]) == {
        "acknowledgement", "first_response", "update", "resolution"
    }
    # A first written response within two business days, an update within five.
    assert due(case, "first_response").due_at == at("2026-11-24 18:00")
    assert due(case, "update").due_at == at("2026-11-27 18:00")


def test_a_fax_at_five_on_friday_is_due_at_two_on_monday(demo: None) -> None:
    case = record(channel="fax", received_at=at("2026-11-20 17:00"))
    ack = due(case, "acknowledgement")
    assert ack.due_at == at("2026-11-23 14:00")
    assert ack.warn_at == at("2026-11-23 12:48")


def test_phone_acknowledged_on_the_call_queues_by_its_first_response(demo: None) -> None:
    case = record(channel="phone")
    ack = due(case, "acknowledgement")
    assert ack.met_at is not None and ack.on_time is True
    assert case.next_due_kind == "first_response"
    assert case.next_due_at == due(case, "first_response").due_at


def test_each_type_has_its_resolution_target(demo: None) -> None:
    for kind in ("complaint", "suggestion", "compliment", "request"):
        case = record(type=kind, received_at=at("2026-11-20 20:00"))
        assert due(case, "resolution").target_key == f"resolution:{kind}"


def test_a_safety_category_shortens_the_resolution(demo: None) -> None:
    case = record(channel="fax", received_at=at("2026-11-20 20:00"))
    case.category = Category.objects.get(code="battery-safety")
    case.save(update_fields=["category"])  # as the assessment will
    assert obligations_recompute(feedback=case, actor="reviewer") is True
    resolution = due(case, "resolution")
    assert resolution.target_key == "resolution:safety"
    assert resolution.due_at == at("2026-11-24 18:00")  # two business days
    event = AuditEvent.objects.get(object_id=case.reference, action="feedback.deadlines_recomputed")
    assert event.actor == "reviewer"
    assert event.data["before"]["resolution"]["target"] == "resolution:complaint"
    after = datetime.fromisoformat(event.data["after"]["resolution"]["due_at"])
    assert after == at("2026-11-24 18:00")
    # Nothing changed the second time: no new event.
    assert obligations_recompute(feedback=case) is False
    assert AuditEvent.objects.filter(action="feedback.deadlines_recomputed").count() == 1
    assert audit_verify().ok


def test_an_ordinary_category_keeps_the_type_target(demo: None) -> None:
    case = record(received_at=at("2026-11-20 20:00"))
    case.category = Category.objects.get(code="repair-delay")
    case.save(update_fields=["category"])
    assert obligations_recompute(feedback=case) is False
    assert due(case, "resolution").target_key == "resolution:complaint"


def test_waiting_for_the_customer_moves_the_resolution_by_the_business_time_waited(
    demo: None,
) -> None:
    case = record(channel="fax", received_at=at("2026-11-20 20:00"))
    paused = obligations_pause(feedback=case, at=at("2026-11-23 10:00"), actor="handler")
    # The acknowledgement is owed whatever the customer does: only resolution stops.
    assert [o.kind for o in paused] == ["first_response", "update", "resolution"]
    assert due(case, "acknowledgement").paused_since is None
    case.refresh_from_db()
    assert case.next_due_kind == "acknowledgement"
    # Monday 10:00 to Tuesday 10:00 is nine business hours.
    obligations_resume(feedback=case, at=at("2026-11-24 10:00"), actor="handler")
    resolution = due(case, "resolution")
    assert resolution.paused_since is None and resolution.paused_seconds == 9 * 3600
    assert resolution.due_at == at("2026-12-07 18:00")
    assert resolution.warn_at > at("2026-12-03 00:00")
    actions = list(
        AuditEvent.objects.filter(object_id=case.reference).values_list("action", flat=True)
    )
    assert actions[-2:] == ["feedback.clocks_paused", "feedback.clocks_resumed"]


def test_a_pause_over_a_weekend_costs_no_business_time(demo: None) -> None:
    case = record(channel="fax", received_at=at("2026-11-20 20:00"))
    before = due(case, "resolution").due_at
    obligations_pause(feedback=case, at=at("2026-11-27 18:30"))
    obligations_resume(feedback=case, at=at("2026-11-30 08:00"))
    assert due(case, "resolution").due_at == before


def test_pausing_twice_and_resuming_an_unpaused_case_change_nothing(demo: None) -> None:
    case = record(channel="fax", received_at=at("2026-11-20 20:00"))
    assert obligations_resume(feedback=case, at=at("2026-11-23 10:00")) == []
    obligations_pause(feedback=case, at=at("2026-11-23 10:00"))
    assert obligations_pause(feedback=case, at=at("2026-11-23 11:00")) == []
    assert due(case, "resolution").paused_since == at("2026-11-23 10:00")


def test_first_response_and_updates_follow_what_the_customer_is_told(demo: None) -> None:
    from memnun.feedback.services.notes import message_send
    from tests.casework import Case, user

    case = Case()
    message_send(actor=user("agent"), feedback=case.feedback, body="Cihazınızı inceliyoruz.")
    first = due(case.fresh(), "first_response")
    assert first.met_at is not None and first.on_time is True
    update_before = due(case.fresh(), "update")
    assert update_before.met_at is None and update_before.started_at == first.met_at

    case.start()  # the customer is told the case is in progress: the next update counts from now
    update = due(case.fresh(), "update")
    assert update.started_at > update_before.started_at and update.met_at is None

    case.propose().approve()  # resolved: no more updates are owed
    assert due(case.fresh(), "update").met_at is not None
    case.answer(accept=False)  # back to work: updates are owed again
    reopened = due(case.fresh(), "update")
    assert reopened.met_at is None and reopened.due_at > reopened.started_at
