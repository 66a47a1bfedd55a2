"""Letters for customers who wrote by letter or fax and gave no e-mail or phone."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from memnun.feedback.models import Feedback
from memnun.jobs.worker import Worker
from memnun.notifications.channels.letter import letter_pdf
from memnun.notifications.delivery import drain
from memnun.notifications.models import Letter, OutboundMessage
from memnun.notifications.rendering import render_letter
from tests.conftest import feedback_payload

pytestmark = pytest.mark.django_db


def _letter_case(api: Client, staff_headers: Any) -> Feedback:
    payload = feedback_payload(channel="letter", customer={"name": "Hüseyin Çelik"},
                               received_at="2026-11-20T10:00:00+03:00")
    response = api.post("/api/v1/feedback", payload, content_type="application/json",
                        headers=staff_headers("agent"))
    assert response.status_code == 201, response.content
    return Feedback.objects.get(reference=response.json()["reference"])


def test_letter_acknowledgement_is_a_private_pdf_in_the_print_queue(
    demo: None, api: Client, staff_headers: Any, tmp_path: Path
) -> None:
    feedback = _letter_case(api, staff_headers)
    message = OutboundMessage.objects.get()
    assert (message.channel, message.recipient) == ("letter", "Hüseyin Çelik")
    assert "Bağlarbaşı Mahallesi" in message.html and "20 Kasım 2026" in message.text
    assert feedback.reference in message.html

    Worker(worker_id="w", periodic={}).run(once=True)
    letter = Letter.objects.get()
    with letter.file.open("rb") as f:
        assert f.read(5) == b"%PDF-"
    assert letter.pages >= 1 and letter.printed_at is None
    assert "letters/" in letter.file.name
    feedback.refresh_from_db()
    assert feedback.ack_sent_at is None  # not acknowledged until it is printed and posted

    out = StringIO()
    call_command("letters", "--export", str(tmp_path), "--mark-printed", "--by", "agent",
                 stdout=out)
    assert feedback.reference in out.getvalue()
    [exported] = tmp_path.iterdir()
    assert exported.read_bytes().startswith(b"%PDF-")
    Worker(worker_id="w", periodic={}).run(once=True)  # the callback
    letter.refresh_from_db()
    feedback.refresh_from_db()
    assert letter.printed_at is not None and letter.printed_by is not None
    assert (feedback.ack_sent_at, feedback.ack_method) == (letter.printed_at, "letter")

    out = StringIO()
    call_command("letters", stdout=out)
    assert out.getvalue().strip() == "0 letter(s) to print"


def test_delivering_a_letter_twice_makes_one(demo: None, api: Client, staff_headers: Any) -> None:
    from memnun.notifications.channels.letter import LetterChannel

    _letter_case(api, staff_headers)
    message = OutboundMessage.objects.get()
    first = LetterChannel().send(message)
    second = LetterChannel().send(message)  # a re-send after a lost claim
    assert first.provider_message_id == second.provider_message_id
    assert Letter.objects.count() == 1
    assert drain(worker="w").sent == 1 and Letter.objects.count() == 1


def test_letters_cannot_fetch_anything() -> None:
    html = render_letter(language="tr", body_text="Merhaba", context={
        "office_name": "İstanbul", "office_address": "Adres", "recipient_name": "Ali",
        "reference": "26-000001-4", "date": timezone.now()})
    pdf, pages = letter_pdf(html.replace("</head>",
                                         '<link rel="stylesheet" href="file:///etc/passwd">'
                                         '<img src="http://127.0.0.1:9/x.png"></head>'))
    assert pdf.startswith(b"%PDF-") and pages == 1
