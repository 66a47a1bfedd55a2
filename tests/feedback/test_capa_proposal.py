"""The proposal's response type (R7.7) and its link to a CAPA; overdue actions alert owners."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client

from memnun.feedback.capa_codes import CapaSourceKind, CapaStatus, ResponseType
from memnun.feedback.capa_models import CapaAction
from memnun.feedback.errors import FieldErrors
from memnun.feedback.services.capa import capa_action_add, capa_action_done
from memnun.feedback.services.capa_alerts import capa_overdue_alerts_send
from memnun.feedback.services.lifecycle import feedback_propose
from memnun.notifications.models import OutboundMessage
from tests.casework import Case, StaffApi, case_in, user
from tests.feedback.capas import new_capa
from tests.feedback.cases import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_api(api: Client, staff_headers: Callable[[str], dict[str, str]]) -> StaffApi:
    return StaffApi(api, staff_headers)


def _propose(case: Case, **extra: Any) -> Any:
    return feedback_propose(
        actor=user("handler"), feedback=case.fresh(), root_cause="Parça geç geldi.",
        root_cause_category="part-supply", corrective_action="İkinci tedarikçi.",
        resolution="Ekranınız yarın değiştirilecek.", **extra,
    )


def test_no_action_needs_its_justification(demo: None) -> None:
    case = case_in("in_progress")
    with pytest.raises(FieldErrors) as refused:
        _propose(case, response_type=ResponseType.NO_ACTION, response_justification=" ")
    assert "response_justification" in refused.value.fields
    with pytest.raises(FieldErrors) as refused:
        _propose(case, response_type="discount")
    assert "response_type" in refused.value.fields
    assert case.fresh().status == "in_progress"
    proposal = _propose(case, response_type=ResponseType.NO_ACTION,
                        response_justification="Cihaz garanti dışı; hasar kullanıcı kaynaklı.")
    assert proposal.response_type == ResponseType.NO_ACTION
    assert case.fresh().status == "under_review"


def test_the_api_takes_the_response_type_and_does_without_it(demo: None, staff_api: Any) -> None:
    body = {"to": "under_review", "root_cause": "Parça geç geldi.",
            "root_cause_category": "part-supply", "corrective_action": "İkinci tedarikçi.",
            "resolution": "Ekranınız yarın değiştirilecek."}
    case = case_in("in_progress")
    refused = staff_api.post("handler", f"/feedback/{case.reference}/transition",
                             {**body, "response_type": "no_action"})
    assert refused.status_code == 422
    assert staff_api.post("handler", f"/feedback/{case.reference}/transition",
                          {**body, "response_type": "refund"}).status_code == 200
    assert case.feedback.proposals.get().response_type == "refund"
    other = case_in("in_progress")
    assert staff_api.post("handler", f"/feedback/{other.reference}/transition",
                          body).status_code == 200
    assert other.feedback.proposals.get().response_type == ""


def test_the_proposal_links_the_case_to_an_existing_capa(demo: None) -> None:
    capa = new_capa()
    case = case_in("in_progress")
    proposal = _propose(case, response_type=ResponseType.REDO_REPAIR, capa=capa)
    assert proposal.capa == capa
    source = capa.sources.get(kind=CapaSourceKind.COMPLAINT)
    assert source.feedback == case.feedback


def test_the_proposal_opens_a_capa_from_the_case(demo: None) -> None:
    case = case_in("in_progress")
    proposal = _propose(case, response_type=ResponseType.REPLACE_PART, open_capa=True)
    capa = proposal.capa
    assert capa is not None and capa.status == CapaStatus.OPEN
    assert capa.sources.get().feedback == case.feedback
    assert (capa.office.code, capa.category.code) == ("istanbul", "repair-delay")
    assert [c.code for c in capa.cause_categories.all()] == ["part-supply"]
    assert capa.problem == "Parça geç geldi."


def _overdue_action(due: date) -> CapaAction:
    capa = new_capa(now=at("2026-11-01 10:00"))
    return capa_action_add(
        actor=user("quality"), capa=capa, description="Tedarikçi onayı", owner="handler",
        due_on=due, now=at("2026-11-01 10:00"),
    )


def test_an_overdue_action_alerts_its_owner_once_in_office_hours(demo: None) -> None:
    action = _overdue_action(date(2026, 11, 20))  # a Friday
    assert capa_overdue_alerts_send(now=at("2026-11-20 17:00")) == 0  # due today: not yet
    assert capa_overdue_alerts_send(now=at("2026-11-21 10:00")) == 0  # Saturday
    assert capa_overdue_alerts_send(now=at("2026-11-23 08:30")) == 0  # before opening
    assert not OutboundMessage.objects.filter(kind="capa_action_overdue").exists()

    assert capa_overdue_alerts_send(now=at("2026-11-23 09:30")) == 1
    mail = OutboundMessage.objects.get(kind="capa_action_overdue")
    assert mail.recipient == "handler@memnun.local"
    assert action.capa.number in mail.subject
    assert capa_overdue_alerts_send(now=at("2026-11-23 10:30")) == 0
    assert capa_overdue_alerts_send(now=at("2026-11-24 10:30")) == 0
    assert OutboundMessage.objects.filter(kind="capa_action_overdue").count() == 1


def test_a_done_action_does_not_alert(demo: None) -> None:
    action = _overdue_action(date(2026, 11, 20))
    capa_action_done(actor=user("handler"), action=action, now=at("2026-11-20 16:00"))
    assert capa_overdue_alerts_send(now=at("2026-11-23 09:30")) == 0
