"""K6, K8 on the desk: the personal-data contact records a request, sees its due date and
the person's cases, downloads what is held (JSON and PDF), corrects, erases with a
confirmation (an open case kept with the reason) and answers; other roles are refused."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from memnun.dataprotection.models import SubjectRequest
from memnun.dataprotection.services.subject_requests import complaint_right_sentence
from memnun.feedback.services.intake import CustomerInput
from tests.desk.helpers import signed_in
from tests.feedback.cases import record
from tests.reports.known_cases import week

pytestmark = pytest.mark.django_db


def test_k6_the_privacy_contact_works_a_request_on_the_desk(demo: None) -> None:
    """K6: list, new (422 with the field's message), detail with due date and cases, the
    JSON and PDF downloads, a correction, and the answer ending with the Board sentence."""
    case = record(customer=CustomerInput(name="Ayşe Yılmaz", email="ayse@example.org"))
    client = signed_in("privacy")
    assert 'href="/desk/privacy/requests/"' in client.get("/desk/queue/").content.decode()
    bad = client.post("/desk/privacy/requests/new", {"right": "access", "language": "tr",
                                                    "email": "nope", "identity_check": ""})
    assert bad.status_code == 422
    page = bad.content.decode()
    assert "Enter a valid e-mail address." in page
    assert "Say how the person&#x27;s identity was checked." in page
    response = client.post("/desk/privacy/requests/new", {
        "right": "rectification", "language": "en", "email": "AYSE@example.org",
        "identity_check": "ID card seen at the front office.",
    })
    row = SubjectRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/desk/privacy/requests/{row.pk}"
    listing = client.get("/desk/privacy/requests/").content.decode()
    assert row.number in listing and timezone.localtime(row.due_at).strftime("%d.%m.%Y") in listing
    detail = client.get(f"/desk/privacy/requests/{row.pk}").content.decode()
    assert case.reference in detail and "ayse@example.org" in detail

    exported = client.get(f"/desk/privacy/requests/{row.pk}/export.json")
    assert exported.status_code == 200
    assert json.loads(exported.content)["cases"][0]["customer"]["name"] == "Ayşe Yılmaz"
    pdf = client.get(f"/desk/privacy/requests/{row.pk}/export.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf["Content-Type"] == "application/pdf"

    bad_phone = client.post(f"/desk/privacy/requests/{row.pk}/do/rectify",
                            {"rectify-field": "phone", "rectify-value": "12"})
    assert bad_phone.status_code == 422
    fixed = client.post(f"/desk/privacy/requests/{row.pk}/do/rectify",
                        {"rectify-field": "name", "rectify-value": "Ayşe Yılmaz Kaya"})
    assert fixed.status_code == 302
    case.refresh_from_db()
    assert case.customer.name == "Ayşe Yılmaz Kaya"
    # Not an erasure request: no erase form.
    assert "/do/erase" not in client.get(f"/desk/privacy/requests/{row.pk}").content.decode()

    answered = client.post(f"/desk/privacy/requests/{row.pk}/do/answer",
                           {"answer-answer": "Your name is corrected on your case."})
    assert answered.status_code == 302
    row.refresh_from_db()
    assert row.status == "answered" and row.answer.endswith(complaint_right_sentence("en"))
    again = client.post(f"/desk/privacy/requests/{row.pk}/do/answer",
                        {"answer-answer": "Again."})
    assert again.status_code == 409


def test_k8_erasure_on_the_desk_asks_for_confirmation_and_shows_what_was_kept(
    demo: None,
) -> None:
    """K8: without the confirmation nothing is erased (422); with it the closed cases are
    anonymised and the open ones listed as kept with the reason."""
    w = week()
    client = signed_in("privacy")
    client.post("/desk/privacy/requests/new", {
        "right": "erasure", "language": "tr", "email": "isil@example.com",
        "identity_check": "Islak imzalı dilekçe.",
        "received_at": (timezone.localtime() - timedelta(days=29)).strftime("%Y-%m-%dT%H:%M"),
    })
    row = SubjectRequest.objects.get()
    listing = client.get("/desk/privacy/requests/").content.decode()
    assert "due soon" in listing
    unconfirmed = client.post(f"/desk/privacy/requests/{row.pk}/do/erase", {})
    assert unconfirmed.status_code == 422
    w.a.refresh_from_db()
    assert w.a.anonymised_at is None
    done = client.post(f"/desk/privacy/requests/{row.pk}/do/erase", {"erase-confirm": "on"})
    assert done.status_code == 302
    w.a.refresh_from_db()
    assert w.a.anonymised_at is not None and w.a.customer.email == ""
    page = client.get(f"/desk/privacy/requests/{row.pk}").content.decode()
    assert "Kept:" in page and "still being handled" in page and "Anonymised on" in page
    case_page = client.get(f"/desk/feedback/{w.a.reference}").content.decode()
    assert 'id="anonymised"' in case_page and f"erasure request {row.pk}" in case_page


@pytest.mark.parametrize("username", ["agent", "handler", "quality", "auditor", "manager"])
def test_k6_other_roles_are_refused(demo: None, username: str) -> None:
    """K6: the register is for the personal-data contact and the administrator only."""
    client = signed_in(username)
    assert client.get("/desk/privacy/requests/").status_code == 403
    assert client.get("/desk/privacy/requests/new").status_code == 403
    assert 'href="/desk/privacy/requests/"' not in client.get("/desk/queue/").content.decode()


def test_k6_the_administrator_reads_the_register(demo: None) -> None:
    assert signed_in("admin").get("/desk/privacy/requests/").status_code == 200
    assert signed_in("admin").get("/desk/privacy/requests/999999").status_code == 404
