"""Personal data masked for roles that do not need it; an explicit reveal, always audited."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from memnun.audit.models import AuditEvent
from tests.casework import Case, StaffApi

pytestmark = pytest.mark.django_db

IMEI = "490154203237518"


@pytest.fixture
def staff_api(api: Client, staff_headers: Callable[[str], dict[str, str]]) -> StaffApi:
    return StaffApi(api, staff_headers)


@pytest.mark.parametrize("role", ["agent", "handler", "reviewer", "quality", "auditor", "admin"])
def test_every_role_sees_personal_data_masked(demo: None, staff_api: StaffApi, role: str) -> None:
    case = Case(imei=IMEI)
    body = staff_api.get(role, f"/feedback/{case.reference}").json()
    customer = body["customer"]
    assert customer["masked"] is True
    text = str(customer) + body["imei"]
    for secret in ("Işıl", "isil@example.com", "+905321234567", IMEI):
        assert secret not in text
    assert body["imei"] == "*************18" and customer["phone"].endswith("67")


@pytest.mark.parametrize("role", ["agent", "handler", "reviewer", "quality", "admin"])
def test_a_reveal_returns_the_data_and_is_audited(
    demo: None, staff_api: StaffApi, role: str
) -> None:
    case = Case(imei=IMEI)
    response = staff_api.post(role, f"/feedback/{case.reference}/reveal",
                              {"reason": "Müşteriyi geri aramak için."})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["name"], body["email"], body["phone"], body["imei"]) == (
        "Işıl Öztürk", "isil@example.com", "+905321234567", IMEI
    )
    event = AuditEvent.objects.get(object_id=case.reference, action="personal_data.revealed")
    assert event.actor == role
    assert event.data["reason"] == "Müşteriyi geri aramak için."
    assert set(event.data["fields"]) >= {"name", "email", "phone", "imei", "device_serial"}
    assert "Işıl" not in str(event.data) and IMEI not in str(event.data)


def test_auditors_may_not_reveal(demo: None, staff_api: StaffApi) -> None:
    case = Case()
    response = staff_api.post("auditor", f"/feedback/{case.reference}/reveal",
                              {"reason": "Denetim."})
    assert response.status_code == 403
    assert "isil" not in response.content.decode()
    assert not AuditEvent.objects.filter(action="personal_data.revealed").exists()


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_reveal_needs_a_reason(demo: None, staff_api: StaffApi, reason: str) -> None:
    case = Case()
    response = staff_api.post("quality", f"/feedback/{case.reference}/reveal", {"reason": reason})
    assert response.status_code == 422 and "reason" in response.json()["fields"]
    assert not AuditEvent.objects.filter(action="personal_data.revealed").exists()


def test_another_office_cannot_reveal(demo: None, staff_api: StaffApi) -> None:
    case = Case(office="ankara")
    response = staff_api.post("agent", f"/feedback/{case.reference}/reveal", {"reason": "Arama."})
    assert response.status_code == 404
