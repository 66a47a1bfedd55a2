"""The CAPA register's rules (R8.7): who opens, checks and closes, and the order of things."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

from memnun.audit.models import AuditEvent
from memnun.feedback.capa_codes import CapaStatus, CheckResult
from memnun.feedback.capa_models import Capa
from memnun.feedback.errors import Conflict, FieldErrors, NotPermitted
from memnun.feedback.services.capa import (
    capa_action_add,
    capa_action_done,
    capa_check_record,
    capa_close,
    capa_link_case,
)
from tests.casework import case_in, user
from tests.feedback.capas import acted, new_capa

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Any:
    """The refusals below are matched in English."""
    with translation.override("en"):
        yield


def _add(capa: Capa, owner: str = "handler") -> Any:
    return capa_action_add(
        actor=user("reviewer"), capa=capa, description="Yeni faaliyet", owner=owner,
        due_on=date(2026, 12, 31),
    )


def test_a_capa_cannot_close_without_an_effective_check(demo: None) -> None:
    capa = new_capa()
    assert capa.number.startswith("DÖF-") and capa.status == CapaStatus.OPEN
    with pytest.raises(Conflict, match="effectiveness check found it effective"):
        capa_close(actor=user("quality"), capa=capa)
    action = _add(capa)
    capa.refresh_from_db()
    assert capa.status == CapaStatus.IN_PROGRESS
    with pytest.raises(Conflict, match="Every action must be done"):
        capa_check_record(actor=user("quality"), capa=capa, result=CheckResult.EFFECTIVE,
                          notes="İyi")
    capa_action_done(actor=user("handler"), action=action)
    capa.refresh_from_db()
    assert capa.status == CapaStatus.AWAITING_CHECK
    with pytest.raises(Conflict):
        capa_close(actor=user("quality"), capa=capa)

    capa_check_record(actor=user("reviewer"), capa=capa, result=CheckResult.EFFECTIVE,
                      notes="Şikâyet gelmedi.")
    capa_close(actor=user("quality"), capa=capa)
    capa.refresh_from_db()
    assert capa.status == CapaStatus.CLOSED and capa.closed_by == user("quality")
    actions = list(AuditEvent.objects.filter(object_type="capa", object_id=capa.number)
                   .values_list("action", flat=True))
    assert actions == ["capa.opened", "capa.action_added", "capa.action_done", "capa.checked",
                       "capa.closed"]
    with pytest.raises(Conflict, match="closed"):
        _add(capa)


@pytest.mark.parametrize("role", ["handler", "reviewer", "auditor", "manager", "agent"])
def test_only_quality_closes(demo: None, role: str) -> None:
    capa = acted(new_capa())
    capa_check_record(actor=user("quality"), capa=capa, result=CheckResult.EFFECTIVE, notes="ok")
    with pytest.raises(NotPermitted):
        capa_close(actor=user(role), capa=capa)
    capa.refresh_from_db()
    assert capa.status == CapaStatus.AWAITING_CHECK


@pytest.mark.parametrize(("role", "opens", "checks"), [
    ("agent", False, False), ("handler", True, False), ("reviewer", True, True),
    ("quality", True, True), ("auditor", False, False), ("manager", False, False),
    ("admin", False, False),
])
def test_who_opens_and_who_checks(demo: None, role: str, opens: bool, checks: bool) -> None:
    if opens:
        assert new_capa(by=role).pk
    else:
        with pytest.raises(NotPermitted):
            new_capa(by=role)
    capa = acted(new_capa())
    if checks:
        capa_check_record(actor=user(role), capa=capa, result=CheckResult.INEFFECTIVE,
                          notes="Şikâyet sürüyor.")
    else:
        with pytest.raises(NotPermitted):
            capa_check_record(actor=user(role), capa=capa, result=CheckResult.INEFFECTIVE,
                              notes="x")


def test_an_ineffective_check_reopens_it_and_needs_new_actions(demo: None) -> None:
    capa = acted(new_capa())
    with pytest.raises(FieldErrors) as refused:
        capa_check_record(actor=user("quality"), capa=capa, result=CheckResult.INEFFECTIVE)
    assert "notes" in refused.value.fields
    capa_check_record(actor=user("quality"), capa=capa, result=CheckResult.INEFFECTIVE,
                      notes="Gecikme şikâyetleri sürüyor.")
    capa.refresh_from_db()
    assert capa.status == CapaStatus.OPEN
    with pytest.raises(Conflict, match="add new actions"):
        capa_check_record(actor=user("quality"), capa=capa, result=CheckResult.EFFECTIVE,
                          notes="x")
    with pytest.raises(Conflict):
        capa_close(actor=user("quality"), capa=capa)

    action = _add(capa)
    capa.refresh_from_db()
    assert capa.status == CapaStatus.IN_PROGRESS
    with pytest.raises(Conflict):
        capa_check_record(actor=user("quality"), capa=capa, result=CheckResult.EFFECTIVE,
                          notes="x")
    capa_action_done(actor=user("handler"), action=action)
    capa_check_record(actor=user("quality"), capa=capa, result=CheckResult.EFFECTIVE,
                      notes="Yeni tedarikçiyle gecikme bitti.")
    capa_close(actor=user("quality"), capa=capa)
    capa.refresh_from_db()
    assert capa.status == CapaStatus.CLOSED
    assert list(capa.checks.values_list("result", flat=True)) == ["ineffective", "effective"]


def test_an_action_added_after_an_effective_check_needs_another_check(demo: None) -> None:
    capa = acted(new_capa())
    capa_check_record(actor=user("quality"), capa=capa, result=CheckResult.EFFECTIVE, notes="ok")
    action = _add(capa)
    capa_action_done(actor=user("handler"), action=action)
    with pytest.raises(Conflict):
        capa_close(actor=user("quality"), capa=capa)


def test_the_capa_s_fields_are_checked(demo: None) -> None:
    with pytest.raises(FieldErrors) as refused:
        new_capa(problem=" ", criterion_kind="no_complaints", category=None,
                 whys=[("Neden?", "")])
    assert {"problem", "category", "criterion_days", "whys"} <= set(refused.value.fields)
    with pytest.raises(FieldErrors) as refused:
        new_capa(criterion_kind="weekly_volume")
    assert {"criterion_weeks", "criterion_level"} <= set(refused.value.fields)


def test_complaints_are_linked_once_and_only_complaints(demo: None) -> None:
    capa = new_capa()
    case = case_in("in_progress")
    capa_link_case(actor=user("handler"), capa=capa, feedback=case.feedback)
    capa_link_case(actor=user("handler"), capa=capa, feedback=case.feedback)
    assert list(capa.sources.filter(feedback__isnull=False).values_list(
        "feedback__reference", flat=True)) == [case.reference]
    suggestion = case_in("created", type="suggestion")
    with pytest.raises(Conflict, match="Only complaints"):
        capa_link_case(actor=user("handler"), capa=capa, feedback=suggestion.feedback)
    other_office = case_in("created", office="ankara")
    with pytest.raises(NotPermitted):
        capa_link_case(actor=user("handler"), capa=capa, feedback=other_office.feedback)


def test_the_demo_has_one_open_and_one_closed_capa_and_loads_twice(demo: None) -> None:
    with override_settings(DEMO=True):
        call_command("load_demo", stdout=io.StringIO())
        call_command("load_demo", stdout=io.StringIO())
    # Besides the one the demo audit's nonconformity opens (tests/feedback/test_process_audit.py)
    # and the one the demo management review's decision opens (tests/desk/test_desk_reviews.py).
    own = Capa.objects.exclude(sources__kind="audit_finding").filter(review_decisions=None)
    statuses = sorted(own.values_list("status", flat=True))
    assert statuses == [CapaStatus.CLOSED, CapaStatus.IN_PROGRESS]
    closed = Capa.objects.get(status=CapaStatus.CLOSED)
    assert closed.checks.get().result == CheckResult.EFFECTIVE
