"""K6, K8: the register of data subjects' requests (api-v1.md "Data-subject requests"):
record with the person's cases, export everything held about them and nothing of anyone
else, rectify (audited with field names only), erase by anonymising (an open case kept,
with the reason; every KPI figure the same), answer with the right to complain to the
Board, and the alerts before the due date."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone

from memnun.audit.models import AuditEvent
from memnun.dataprotection.models import SubjectRequest
from memnun.dataprotection.services.subject_requests import (
    complaint_right_sentence,
    request_answer,
    request_record,
    request_rectify,
    request_watch,
)
from memnun.feedback.models import Feedback, RecipientNotice
from memnun.feedback.services.disclosures import disclosure_record
from memnun.feedback.services.intake import CustomerInput
from memnun.feedback.services.notes import message_send
from memnun.notifications.models import OutboundMessage
from tests.casework import user
from tests.feedback.cases import at, record
from tests.reports.known_cases import FROM, TO, week

pytestmark = pytest.mark.django_db

AYSE = CustomerInput(name="Ayşe Yılmaz", email="Ayse.Yilmaz@example.org", phone="0532 111 22 33")
# Another person with a similar name: a different e-mail and phone.
OTHER = CustomerInput(name="Ayşe Yıldız", email="ayse.yildiz@example.net", phone="0533 444 55 66")
PARETO_BY = ("category", "root_cause_category", "brand", "product", "office")


def _post(api: Client, headers: dict[str, str], path: str, body: Any = None) -> Any:
    return api.post(f"/api/v1{path}", body if body is not None else {},
                    content_type="application/json", headers=headers)


def _three_cases() -> tuple[Feedback, Feedback, Feedback]:
    """Ayşe Yılmaz's case found by e-mail, another by phone only, and Ayşe Yıldız's."""
    by_email = record(customer=AYSE, imei="490154203237518", third_party_sharing=True)
    by_phone = record(channel="phone", customer=CustomerInput(name="A. Yılmaz",
                                                              phone="+90 532 111 2233"))
    other = record(customer=OTHER, imei="356938035643809")
    message_send(actor=user("reviewer"), feedback=by_email, body="Sayın Yılmaz, inceliyoruz.")
    message_send(actor=user("reviewer"), feedback=other, body="Sayın Yıldız, inceliyoruz.")
    disclosure_record(actor=user("handler"), feedback=by_email, recipient="Samsung Türkiye",
                      purpose="Garanti onarımı", data=["device", "contact"])
    return by_email, by_phone, other


def test_k6_a_request_is_recorded_with_the_persons_cases(
    demo: None, api: Client, staff_headers: Callable[..., dict[str, str]],
) -> None:
    """K6: 201 {"id", "right", "status": "open", "received_at", "due_at", "cases"}; due 30
    days after receipt; the cases by e-mail (without case) and by phone (however typed),
    not the other Ayşe's."""
    by_email, by_phone, other = _three_cases()
    response = _post(api, staff_headers("privacy"), "/privacy/requests", {
        "right": "access", "subject": {"email": "ayse.yilmaz@EXAMPLE.org",
                                       "phone": "05321112233"},
        "identity_check": "Kimlik kartı görüldü (ön büro).",
    })
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"id", "right", "status", "received_at", "due_at", "cases"}
    assert (body["right"], body["status"]) == ("access", "open")
    assert body["cases"] == [by_email.reference, by_phone.reference]
    assert other.reference not in body["cases"]
    row = SubjectRequest.objects.get(pk=body["id"])
    assert row.due_at - row.received_at == timedelta(days=30)
    assert row.subject_phone == "+905321112233"


def test_k6_the_export_holds_all_of_one_person_and_nothing_of_another(
    demo: None, api: Client, staff_headers: Callable[..., dict[str, str]],
) -> None:
    """K6: the export lists every case of Ayşe Yılmaz (by e-mail, by phone, and one recorded
    after the request) with their customer, messages and disclosures, and holds nothing of
    Ayşe Yıldız (name, e-mail, phone, IMEI, reference)."""
    by_email, by_phone, other = _three_cases()
    headers = staff_headers("privacy")
    created = _post(api, headers, "/privacy/requests", {
        "right": "access", "subject": {"email": "ayse.yilmaz@example.org",
                                       "phone": "+905321112233"},
        "identity_check": "E-imzalı dilekçe.",
    }).json()
    # A case recorded after the request, under the same e-mail, is hers too.
    later = record(customer=CustomerInput(name="Ayşe Yılmaz", email="ayse.yilmaz@example.org"))
    response = api.get(f"/api/v1/privacy/requests/{created['id']}/export", headers=headers)
    assert response.status_code == 200, response.content
    body = response.json()
    assert [c["reference"] for c in body["cases"]] == [
        by_email.reference, by_phone.reference, later.reference]
    first = body["cases"][0]
    assert {"reference", "received_at", "channel", "subject", "description", "customer",
            "messages", "disclosures"} <= set(first)
    assert first["customer"]["name"] == "Ayşe Yılmaz"
    assert first["customer"]["email"] == "ayse.yilmaz@example.org"
    assert first["device"]["imei"] == "490154203237518"
    assert "Sayın Yılmaz, inceliyoruz." in [m["body"] for m in first["messages"]]
    assert [(d["recipient"], d["purpose"]) for d in first["disclosures"]] == [
        ("Samsung Türkiye", "Garanti onarımı")]
    text = json.dumps(body, ensure_ascii=False)
    for of_other in ("Yıldız", "ayse.yildiz@example.net", "+905334445566", "356938035643809",
                     other.reference):
        assert of_other not in text


def test_k6_roles_unknown_ids_and_bad_input(
    demo: None, api: Client, staff_headers: Callable[..., dict[str, str]],
) -> None:
    """K6: only privacy and admin (others 403); 404 for an unknown request; 422 with the
    field's message for bad input."""
    good = {"right": "erasure", "subject": {"email": "x@example.org"}, "identity_check": "ok"}
    for username in ("agent", "handler", "quality", "auditor", "manager"):
        assert _post(api, staff_headers(username), "/privacy/requests", good).status_code == 403
        assert api.get("/api/v1/privacy/requests/1/export",
                       headers=staff_headers(username)).status_code == 403
    admin = staff_headers("admin")
    assert _post(api, admin, "/privacy/requests", good).status_code == 201
    assert api.get("/api/v1/privacy/requests/999999/export", headers=admin).status_code == 404
    assert _post(api, admin, "/privacy/requests/999999/erase").status_code == 404
    bad = _post(api, admin, "/privacy/requests", {
        "right": "erasure", "subject": {"email": "not-an-address", "phone": "12"},
        "identity_check": " ",
    })
    assert bad.status_code == 422, bad.content
    assert set(bad.json()["fields"]) == {"subject.email", "subject.phone", "identity_check"}
    unknown_right = _post(api, admin, "/privacy/requests", {**good, "right": "forget"})
    assert unknown_right.status_code == 422 and "right" in unknown_right.json()["fields"]
    nobody = _post(api, admin, "/privacy/requests", {**good, "subject": {}})
    assert nobody.status_code == 422 and "subject" in nobody.json()["fields"]


def _reports(api: Client, headers: dict[str, str]) -> list[Any]:
    out = [api.get("/api/v1/reports/kpi", {"from": FROM, "to": TO}, headers=headers).json()]
    out += [api.get("/api/v1/reports/pareto", {"from": FROM, "to": TO, "by": by},
                    headers=headers).json() for by in PARETO_BY]
    return out


def test_k8_erasure_keeps_every_kpi_figure_and_keeps_an_open_case_with_its_reason(
    demo: None, api: Client, staff_headers: Callable[..., dict[str, str]],
) -> None:
    """K8: erasing Işıl Öztürk's data anonymises her closed cases, keeps those still being
    handled with the reason, tells each recipient, and the KPI and every Pareto answer the
    same as before; a second erasure finds nothing new to do."""
    w = week()
    quality = staff_headers("quality")
    before = _reports(api, quality)
    headers = staff_headers("privacy")
    created = _post(api, headers, "/privacy/requests", {
        "right": "erasure", "subject": {"email": "ISIL@example.com"},
        "identity_check": "Islak imzalı dilekçe ve kimlik fotokopisi.",
    }).json()
    response = _post(api, headers, f"/privacy/requests/{created['id']}/erase")
    assert response.status_code == 200, response.content
    body = response.json()
    closed = set(Feedback.objects.filter(customer__email="", status="closed")
                 .values_list("reference", flat=True))
    assert {w.a.reference, w.b.reference, w.e.reference} <= set(body["anonymised"]) == closed
    kept = {k["reference"]: k["reason"] for k in body["kept"]}
    assert {w.c.reference, w.d.reference, w.f.reference, w.h.reference} <= set(kept)
    assert "still being handled" in kept[w.d.reference]
    w.d.refresh_from_db()
    assert w.d.customer.email == "isil@example.com" and w.d.anonymised_at is None
    w.a.refresh_from_db()
    assert (w.a.customer.name, w.a.subject, w.a.anonymised_reason) == (
        "", "", f"erasure request {created['id']}")
    assert _reports(api, quality) == before
    again = _post(api, headers, f"/privacy/requests/{created['id']}/erase").json()
    assert sorted(again["anonymised"]) == sorted(body["anonymised"])


def test_k8_rectification_audits_field_names_only_and_tells_the_recipients(demo: None) -> None:
    """K8 (rectification): the customer's e-mail is corrected on the person's cases; the audit
    trail names the field, never the old or new value; each disclosure recipient gets a task."""
    by_email, _by_phone, other = _three_cases()
    request = request_record(actor=user("privacy"), right="rectification",
                             email="ayse.yilmaz@example.org", phone="", identity_check="KEP")
    changed = request_rectify(actor=user("privacy"), request=request,
                              changes={"email": "ayse.y@example.com", "name": "Ayşe Yılmaz Kaya"})
    assert changed == [by_email.reference]
    by_email.refresh_from_db()
    assert (by_email.customer.email, by_email.customer.name) == (
        "ayse.y@example.com", "Ayşe Yılmaz Kaya")
    events = AuditEvent.objects.filter(action__in=["feedback.rectified",
                                                   "subject_request.rectified"])
    assert events.count() == 2
    trail = json.dumps([e.data for e in events], ensure_ascii=False)
    assert '"email"' in trail and '"name"' in trail
    for value in ("ayse.y@example.com", "Kaya", "ayse.yilmaz@example.org", "Yılmaz"):
        assert value not in trail
    assert list(RecipientNotice.objects.filter(feedback=by_email).values_list(
        "recipient", "reason")) == [("Samsung Türkiye", "rectification")]
    other.refresh_from_db()
    assert other.customer.email == "ayse.yildiz@example.net"


def test_k6_the_answer_always_names_the_right_to_complain_to_the_board(demo: None) -> None:
    """K6: a reasoned answer (or a refusal) ends with the right to complain to the Board,
    in the request's language; answering twice is refused."""
    request = request_record(actor=user("privacy"), right="information", email="a@example.org",
                             phone="", identity_check="KEP", language="en")
    answered = request_answer(actor=user("privacy"), request=request,
                              answer="We process your data to handle your complaint.")
    assert answered.status == "answered"
    assert answered.answer.endswith(complaint_right_sentence("en"))
    assert "Personal Data Protection Board" in answered.answer
    refused = request_answer(
        actor=user("admin"), refuse=True, answer="Kimliğiniz doğrulanamadı.",
        request=request_record(actor=user("privacy"), right="erasure", email="b@example.org",
                               phone="", identity_check="telefon"),
    )
    assert refused.status == "refused" and "Kişisel Verileri Koruma Kurulu" in refused.answer
    assert refused.answer.endswith(complaint_right_sentence("tr"))


def test_k6_alerts_before_the_due_date_once_per_stage(demo: None) -> None:
    """K6: the personal-data contacts are alerted 7 and 2 days before the due date and on it,
    each stage once; an answered request is not alerted."""
    received = at("2026-11-02 10:00")
    request = request_record(actor=user("privacy"), right="access", email="a@example.org",
                             phone="", identity_check="KEP", received_at=received,
                             now=received)
    due = request.due_at
    alerts = OutboundMessage.objects.filter(kind="request_alert")
    assert request_watch(now=due - timedelta(days=8)) == 0
    first = request_watch(now=due - timedelta(days=7))
    assert first >= 1 and alerts.count() == first
    assert set(alerts.values_list("recipient", flat=True)) == {user("privacy").email}
    assert request_watch(now=due - timedelta(days=6)) == 0
    assert request_watch(now=due - timedelta(days=2)) == first
    assert request_watch(now=due + timedelta(hours=1)) == first
    assert request_watch(now=due + timedelta(days=5)) == 0
    answered = request_record(actor=user("privacy"), right="access", email="b@example.org",
                              phone="", identity_check="KEP", received_at=received,
                              now=received)
    request_answer(actor=user("privacy"), request=answered, answer="Ekte.")
    assert request_watch(now=timezone.now() + timedelta(days=60)) == 0


def test_the_demo_has_one_open_request_and_loads_twice(demo: None) -> None:
    """The demo shows the register at work: one open request nearing its due date."""
    with override_settings(DEMO=True):
        call_command("load_demo", stdout=io.StringIO())
        call_command("load_demo", stdout=io.StringIO())
    row = SubjectRequest.objects.get()
    assert (row.status, row.right, row.recorded_by.username) == ("open", "access", "privacy")
    assert timezone.now() + timedelta(days=4) < row.due_at < timezone.now() + timedelta(days=6)
