"""`mailgate`: one mail on standard input. Robots are never answered; each mail counts once."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from io import BytesIO, StringIO
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.utils import translation

from memnun.feedback.models import Attachment, Feedback
from memnun.mailin.models import InboundMessage
from memnun.mailin.parsing import html_to_text
from memnun.notifications.models import OutboundMessage
from tests import files
from tests.mailin.conftest import PNG, reply_settings

pytestmark = pytest.mark.django_db


def mailgate(raw: bytes) -> str:
    out = StringIO()
    call_command("mailgate", stdin=BytesIO(raw), stdout=out)
    return out.getvalue()


def test_new_mail_on_stdin(demo: None, mail: Callable[..., bytes]) -> None:
    out = mailgate(mail())
    feedback = Feedback.objects.get()
    assert out.startswith(f"created {feedback.reference} <")
    assert OutboundMessage.objects.get().kind == "acknowledgement"


def _dsn() -> bytes:
    """A bounce as Postfix sends it (RFC 3464), from a normal-looking address."""
    return (
        b"From: Mail Delivery System <bounces@mx.example.com>\r\n"
        b"To: noreply@memnun.local\r\n"
        b"Subject: Undelivered Mail Returned to Sender\r\n"
        b"Message-ID: <dsn-1@mx.example.com>\r\n"
        b"MIME-Version: 1.0\r\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n'
        b"\r\n--B\r\nContent-Type: text/plain\r\n\r\nI'm sorry to have to inform you...\r\n"
        b"--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        b"Reporting-MTA: dns; mx.example.com\r\n\r\nFinal-Recipient: rfc822; x@example.com\r\n"
        b"Action: failed\r\nStatus: 5.1.1\r\n--B--\r\n"
    )


@override_settings(**reply_settings())
@pytest.mark.parametrize(
    ("headers", "sender", "why"),
    [
        ({"Auto-Submitted": "auto-replied"}, None, "Auto-Submitted"),
        ({"Auto-Submitted": "auto-generated"}, None, "Auto-Submitted"),
        ({"X-Autoreply": "yes"}, None, "X-Autoreply"),
        ({"Precedence": "bulk"}, None, "Precedence: bulk"),
        ({"Precedence": "auto_reply"}, None, "Precedence: auto_reply"),
        ({"Precedence": "list"}, None, "Precedence: list"),
        ({"List-Id": "<news.example.com>"}, None, "List-Id"),
        ({}, "MAILER-DAEMON@mx.example.com", "automatic sender"),
        ({}, "postmaster@example.com", "automatic sender"),
        ({}, "memnun <noreply@memnun.local>", "noreply"),
        ({}, "sikayet+26-000001-4@memnun.local", "loop"),
        ({"X-Memnun-Reference": "26-000001-4"}, None, "loop"),
    ],
)
def test_robots_and_loops_are_stored_and_never_answered(
    demo: None, mail: Callable[..., bytes], headers: dict[str, str], sender: str | None,
    why: str,
) -> None:
    raw = mail(headers=headers, **({"sender": sender} if sender else {}))
    assert mailgate(raw).startswith("ignored - ")
    inbound = InboundMessage.objects.get()
    assert inbound.status == "ignored" and why in inbound.reason
    assert not Feedback.objects.exists()
    assert not OutboundMessage.objects.exists()


def test_delivery_status_notification_is_a_bounce(demo: None) -> None:
    mailgate(_dsn())
    inbound = InboundMessage.objects.get()
    assert inbound.status == "ignored"
    assert inbound.reason == "report (delivery-status)"
    assert not Feedback.objects.exists() and not OutboundMessage.objects.exists()


def test_a_message_processed_twice_is_stored_once(demo: None, mail: Callable[..., bytes]) -> None:
    raw = mail(message_id="<twice@example.com>")
    first = mailgate(raw)
    second = mailgate(raw)
    assert "(already recorded)" in second and first.split()[1] == second.split()[1]
    assert InboundMessage.objects.count() == 1
    assert Feedback.objects.count() == 1
    assert OutboundMessage.objects.count() == 1


def test_html_only_mail_is_cleaned_to_text(demo: None, mail: Callable[..., bytes]) -> None:
    html = (
        "<html><head><title>T</title><style>p{color:red}</style>"
        "<script>alert('x')</script></head><body>"
        "<p>Merhaba,</p><p>Cihazım <b>3 haftadır</b> serviste &amp; bilgi alamıyorum.</p>"
        "<ul><li>Sipariş no: 123</li><li>IMEI: 35-209900-176148-1</li></ul>"
        "<div>Saygılarımla<br>Işıl</div><!-- gizli --></body></html>"
    )
    mailgate(mail(text=None, html=html))
    feedback = Feedback.objects.get()
    assert feedback.description == (
        "Merhaba,\n\nCihazım 3 haftadır serviste & bilgi alamıyorum.\n\n"
        "- Sipariş no: 123\n- IMEI: 35-209900-176148-1\n\nSaygılarımla\nIşıl"
    )
    assert InboundMessage.objects.get().html_only is True
    for gone in ("alert", "color:red", "<", "gizli"):
        assert gone not in feedback.description


def test_html_to_text_keeps_text_and_drops_code() -> None:
    assert html_to_text("a<script>b</script>c<style>d</style>e") == "ace"
    assert html_to_text("<p>x &lt;y&gt; &#304;zmir</p>") == "x <y> İzmir"


def test_attachments_are_checked_by_their_bytes(demo: None, mail: Callable[..., bytes]) -> None:
    raw = mail(attachments=[
        ("fatura.png", "image/png", PNG),
        ("foto.jpg", "image/jpeg", b"MZ\x90\x00 this is a windows program"),  # disguised
        ("notlar.docx", "application/octet-stream", b"PK\x03\x04 word document"),
    ])
    mailgate(raw)
    feedback = Feedback.objects.get()
    [kept] = Attachment.objects.filter(feedback=feedback)
    assert (kept.filename, kept.content_type) == ("fatura.png", "image/png")
    notes = InboundMessage.objects.get().notes
    assert len(notes) == 2
    assert any("foto.jpg" in n for n in notes) and any("notlar.docx" in n for n in notes)


@override_settings(**reply_settings())
def test_reply_attachments_are_kept_on_the_message(
    demo: None, mail: Callable[..., bytes]
) -> None:
    mailgate(mail(message_id="<case@example.com>"))
    reference = Feedback.objects.get().reference
    photo = files.jpeg_with_gps()
    mailgate(mail(subject=f"Re: [{reference}]",
                  attachments=[("konum\u202egpj.exe", "image/jpeg", photo)]))
    reply = InboundMessage.objects.get(status="threaded")
    [attachment] = reply.attachments.all()
    # Kept under a clean name with the detected type's extension, only its pixels stored.
    assert (attachment.filename, attachment.content_type) == ("konumgpj.jpg", "image/jpeg")
    with attachment.file.open("rb") as f:
        stored = f.read()
    assert attachment.size == len(stored) and files.TRAILER not in stored
    assert not files.exif_of(stored) and b"Secret Camera" not in stored


def test_a_mailed_pdf_with_a_script_is_dropped_with_a_note(
    demo: None, mail: Callable[..., bytes]
) -> None:
    with translation.override("en"):  # the note is written in the language in force
        mailgate(mail(attachments=[("fatura.pdf", "application/pdf", files.pdf(javascript=True)),
                                   ("fis.bat", "application/octet-stream", files.PDF)]))
    [kept] = Attachment.objects.filter(feedback=Feedback.objects.get())
    assert (kept.filename, kept.content_type) == ("fis.pdf", "application/pdf")
    [note] = InboundMessage.objects.get().notes
    assert "fatura.pdf" in note and "scripts" in note


@override_settings(**reply_settings())
def test_staff_read_the_customers_mails_through_the_api(
    demo: None, mail: Callable[..., bytes], api: Client, staff_headers: Callable[[str], Any]
) -> None:
    mailgate(mail(message_id="<first@example.com>"))
    reference = Feedback.objects.get().reference
    mailgate(mail(subject=f"Re: [{reference}]", text="Ek olarak fotoğraf gönderiyorum.",
                  attachments=[("ek.png", "image/png", PNG)]))
    url = f"/api/v1/feedback/{reference}/messages/inbound"
    body = api.get(url, headers=staff_headers("agent")).json()
    assert body["reference"] == reference
    first, reply = body["items"]
    assert first["status"] == "created" and first["attachments"] == []
    assert reply["status"] == "threaded" and reply["attachments"] == ["ek.png"]
    # The sender is masked for every role; the text is shown to the roles that work the case.
    assert reply["text"].startswith("Ek olarak fotoğraf")
    assert reply["from_address"] == "i***@e******.com"
    masked = api.get(url, headers=staff_headers("auditor")).json()["items"]
    assert all(m["from_address"] != "isil@example.com" for m in masked)
    assert not any("Ek olarak fotoğraf" in m["text"] for m in masked)


def test_english_mail_gets_an_english_acknowledgement(
    demo: None, mail: Callable[..., bytes]
) -> None:
    mailgate(mail(sender="Jane Doe <jane@example.com>", subject="My phone is still not fixed",
                  text="Hello, my phone has been at your service for three weeks. Please help."))
    message = OutboundMessage.objects.get()
    assert message.language == "en" and message.subject.startswith("We have received")


def test_invalid_sender_is_rejected_without_a_reply(demo: None, mail: Callable[..., bytes]) -> None:
    mailgate(mail(sender="not-an-address"))
    inbound = InboundMessage.objects.get()
    assert inbound.status in ("rejected", "ignored")
    assert not Feedback.objects.exists() and not OutboundMessage.objects.exists()


def test_empty_input_is_a_data_error(demo: None) -> None:
    with pytest.raises(SystemExit) as exit_info:
        call_command("mailgate", stdin=BytesIO(b""), stderr=StringIO())
    assert exit_info.value.code == 65


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    password = f":{quote(str(db['PASSWORD']))}" if db["PASSWORD"] else ""
    host = f"{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}"
    return f"postgres://{quote(str(db['USER'] or ''))}{password}@{host}/{db['NAME']}"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_memnun_mailgate_command_reads_standard_input(
    demo: None, mail: Callable[..., bytes]
) -> None:
    env = {**os.environ, "DATABASE_URL": _database_url(), "MEMNUN_TESTING": "1",
           "PYTHONPATH": os.pathsep.join([str(settings.BASE_DIR),
                                          os.environ.get("PYTHONPATH", "")])}
    command = [sys.executable, "-m", "memnun.cli", "mailgate"]
    done = subprocess.run(command, input=mail(), env=env, cwd=settings.BASE_DIR,
                          capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode()
    reference = Feedback.objects.get().reference
    assert done.stdout.decode().startswith(f"created {reference}")
    empty = subprocess.run(command, input=b"", env=env, cwd=settings.BASE_DIR,
                           capture_output=True, timeout=60)
    assert empty.returncode == 65


def test_nul_characters_in_mail_are_dropped() -> None:
    from memnun.mailin.parsing import mail_parse

    raw = (
        b"From: Ali <ali@example.com>\r\nTo: destek@memnun.local\r\nSubject: Ekran\x00 bozuk\r\n"
        b"Message-ID: <nul-1@example.com>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        b"Merhaba\x00 ekran bozuk.\r\n"
    )
    parsed = mail_parse(raw)
    assert "\x00" not in parsed.subject and "\x00" not in parsed.text
    assert "ekran bozuk" in parsed.text
