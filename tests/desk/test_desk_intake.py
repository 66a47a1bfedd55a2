"""Assisted intake on the desk: every staff channel, recorded by the signed-in user; the receipt."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from memnun.feedback.models import Attachment, Feedback
from tests import files
from tests.casework import user
from tests.desk.helpers import signed_in

pytestmark = pytest.mark.django_db
CHANNELS = ["phone", "front_office", "fax", "letter", "social_media", "dealer", "employee",
            "email"]
PDF = files.PDF


def form(**overrides: object) -> dict[str, object]:
    return {
        "type": "complaint", "subject": "Ekran değişimi gecikti",
        "description": "Müşteri telefonla aradı.", "name": "Işıl Öztürk",
        "phone": "0532 123 45 67", "language": "tr", "privacy_notice": "on",
        **overrides,
    }


@pytest.mark.parametrize("channel", CHANNELS)
def test_every_staff_channel_records_with_the_user(demo: None, channel: str) -> None:
    client = signed_in("agent")
    assert client.get(f"/desk/intake/{channel}/").status_code == 200
    response = client.post(f"/desk/intake/{channel}/", form())
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert response["Location"] == f"/desk/intake/receipt/{feedback.reference}/"
    assert feedback.channel == channel and feedback.recorded_by == user("agent")
    assert feedback.office.code == "istanbul" and feedback.customer.phone == "+905321234567"


def test_the_web_channel_is_not_a_desk_form(demo: None) -> None:
    assert signed_in("agent").get("/desk/intake/web/").status_code == 404


def test_a_letter_with_its_scan_received_days_ago(demo: None) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = signed_in("agent")
    response = client.post("/desk/intake/letter/", form(
        phone="", received_at="2026-01-05T10:30",
        attachments=SimpleUploadedFile("mektup.pdf", PDF, content_type="application/pdf"),
    ))
    assert response.status_code == 302, response.content.decode()
    feedback = Feedback.objects.get()
    assert feedback.received_at == datetime(2026, 1, 5, 10, 30, tzinfo=ZoneInfo("Europe/Istanbul"))
    assert Attachment.objects.get(feedback=feedback).filename == "mektup.pdf"


def test_refusals_are_shown_beside_the_fields(demo: None) -> None:
    client = signed_in("agent")
    response = client.post("/desk/intake/phone/", form(
        privacy_notice="", phone="123", received_at="2099-01-01T10:00",
    ))
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="error-summary"' in html
    for field in ("privacy_notice", "phone", "received_at"):
        assert f'href="#id_{field}"' in html
    assert "The privacy notice must be acknowledged" in html
    assert not Feedback.objects.exists()


def test_an_auditor_may_not_record(demo: None) -> None:
    assert signed_in("auditor").post("/desk/intake/phone/", form()).status_code == 403


def test_front_office_receipt_page_and_pdf(demo: None) -> None:
    client = signed_in("agent")
    response = client.post("/desk/intake/front_office/", form(phone="", name="Ali Veli"))
    feedback = Feedback.objects.get()
    html = client.get(response["Location"]).content.decode()
    code = html.split('id="tracking-code">')[1].split("<")[0]
    assert len(code.replace("-", "")) >= 8
    assert feedback.reference in html and "/track/" in html
    assert "Bağlarbaşı Mahallesi" in html  # the office's address
    assert "data-print" in html
    pdf = client.get(f"/desk/intake/receipt/{feedback.reference}/pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    # The code stays with the session that recorded it: nobody else sees it.
    assert signed_in("handler").get(
        f"/desk/intake/receipt/{feedback.reference}/"
    ).status_code == 404
    assert code not in client.get(f"/desk/feedback/{feedback.reference}").content.decode()
