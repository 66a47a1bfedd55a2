"""The customer's postal address: taken at intake (API, portal, desk), masked like the
other personal data until revealed, and printed in the letter's address window."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.test import Client
from pypdf import PdfReader

from memnun.feedback.models import Feedback
from memnun.jobs.worker import Worker
from memnun.notifications.models import Letter
from tests.conftest import feedback_payload
from tests.desk.helpers import signed_in

pytestmark = pytest.mark.django_db
ADDRESS = "Işıklar Mahallesi, Gül Sokak No:7 D:3\n34710 Kadıköy / İstanbul"


def _customer(**extra: Any) -> dict[str, Any]:
    return {"name": "Hüseyin Çelik", "language": "tr", **extra}


def test_the_api_takes_the_address_and_shows_it_masked_until_revealed(
    demo: None, api: Client, staff_headers: Any
) -> None:
    response = api.post(
        "/api/v1/feedback",
        feedback_payload(channel="letter", customer=_customer(address=f"  {ADDRESS} ")),
        content_type="application/json", headers=staff_headers("agent"),
    )
    assert response.status_code == 201, response.content
    reference = response.json()["reference"]
    assert Feedback.objects.get(reference=reference).customer.address == ADDRESS

    detail = api.get(f"/api/v1/feedback/{reference}", headers=staff_headers("quality"))
    shown = detail.json()["customer"]["address"]
    assert shown and shown != ADDRESS and "Mahallesi" not in shown
    reveal = api.post(
        f"/api/v1/feedback/{reference}/reveal", {"reason": "Mektup adresini doğrulamak"},
        content_type="application/json", headers=staff_headers("quality"),
    )
    assert reveal.status_code == 200 and reveal.json()["address"] == ADDRESS


def test_the_address_is_optional_and_limited(
    demo: None, api: Client, staff_headers: Any
) -> None:
    ok = api.post("/api/v1/feedback", feedback_payload(), content_type="application/json")
    assert ok.status_code == 201
    assert Feedback.objects.get(reference=ok.json()["reference"]).customer.address == ""
    long = api.post(
        "/api/v1/feedback", feedback_payload(customer=_customer(
            email="a@example.com", address="x" * 1001)),
        content_type="application/json",
    )
    assert long.status_code == 422


def test_the_letter_pdf_carries_the_address_in_its_window(
    demo: None, api: Client, staff_headers: Any
) -> None:
    response = api.post(
        "/api/v1/feedback",
        feedback_payload(channel="letter", customer=_customer(address=ADDRESS),
                         received_at="2026-11-20T10:00:00+03:00"),
        content_type="application/json", headers=staff_headers("agent"),
    )
    assert response.status_code == 201, response.content
    Worker(worker_id="w", periodic={}).run(once=True)
    letter = Letter.objects.get()
    with letter.file.open("rb") as f:
        text = "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(f.read())).pages)
    window = re.sub(r"\s+", " ", text)
    assert "Hüseyin Çelik Işıklar Mahallesi, Gül Sokak No:7 D:3 34710 Kadıköy / İstanbul" in window


def test_the_portal_and_the_desk_take_the_address(demo: None) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    page = client.get("/feedback/new/").content.decode()
    submission = re.search(r'name="submission" value="([0-9a-f]+)"', page)
    assert submission and 'name="address"' in page
    response = client.post("/feedback/new/", {
        "type": "complaint", "subject": "Ekran", "description": "Serviste.",
        "preferred_contact": "email", "language": "tr", "email": "isil@example.com",
        "privacy_notice": "on", "submission": submission.group(1), "address": ADDRESS,
    })
    assert response.status_code == 302, response.content.decode()[:2000]

    desk = signed_in("agent")
    response = desk.post("/desk/intake/letter/", {
        "type": "complaint", "subject": "Mektup", "description": "Müşteri yazdı.",
        "name": "Hüseyin Çelik", "language": "tr", "privacy_notice": "on", "address": ADDRESS,
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert [f.customer.address for f in Feedback.objects.order_by("id")] == [ADDRESS, ADDRESS]
    # The desk shows it masked, like every contact detail, until revealed.
    reference = Feedback.objects.order_by("id").last().reference  # type: ignore[union-attr]
    case = desk.get(f"/desk/feedback/{reference}").content.decode()
    assert "Postal address" in case and "Işıklar Mahallesi" not in case
