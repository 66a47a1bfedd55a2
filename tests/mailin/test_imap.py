"""Mail polled from a real IMAP server (dovecot on loopback): new feedback, threaded replies."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.test import override_settings

from memnun.feedback.models import Feedback
from memnun.jobs.worker import Worker
from memnun.mailin.imap import imap_poll
from memnun.mailin.models import InboundMessage
from memnun.notifications.models import OutboundMessage
from tests.mailin.conftest import reply_settings
from tests.mailtools import Dovecot, SmtpSink

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@override_settings(**reply_settings())
def test_mail_becomes_feedback_acknowledged_by_reply_and_replies_thread(
    demo: None, imap_server: Dovecot, sink: SmtpSink, mail: Callable[..., bytes]
) -> None:
    original_id = "<first-mail@example.com>"
    imap_server.append(mail(message_id=original_id))

    report = imap_poll()
    assert (report.fetched, report.by_status) == (1, {"created": 1})
    assert imap_server.unseen() == 0  # flagged only once recorded
    feedback = Feedback.objects.select_related("customer", "office", "recorded_by").get()
    assert (feedback.channel, feedback.type, feedback.office.code) == ("email", "complaint",
                                                                       "istanbul")
    assert feedback.subject == "Ekran değişimi gecikti"
    assert "ekran hâlâ değişmedi" in feedback.description
    assert (feedback.customer.email, feedback.customer.name) == ("isil@example.com",
                                                                  "Işıl Öztürk")
    assert feedback.customer.language == "tr"
    assert feedback.recorded_by is not None and feedback.recorded_by.username == "mailgate"
    assert not feedback.recorded_by.has_usable_password()
    inbound = InboundMessage.objects.get()
    assert (inbound.status, inbound.feedback_id, inbound.source) == ("created", feedback.pk,
                                                                     "imap")

    assert imap_poll().fetched == 0  # nothing new

    # The acknowledgement answers the customer's mail, in the same thread.
    Worker(worker_id="w", periodic={}).run(once=True)
    [ack] = sink.wait_for(1)
    reference = feedback.reference
    assert ack.recipients == ["isil@example.com"]
    assert ack.message["In-Reply-To"] == original_id
    assert original_id in ack.message["References"]
    assert ack.message["Reply-To"] == f"sikayet+{reference}@memnun.local"
    assert f"[{reference}]" in ack.message["Subject"]
    feedback.refresh_from_db()
    assert feedback.ack_method == "email" and feedback.ack_on_time is True

    # The customer answers it: the reply goes to the case, and is not answered.
    imap_server.append(mail(
        subject=f"Re: {ack.message['Subject']}",
        to=f"sikayet+{reference}@memnun.local",
        text="Fatura fotoğrafını ekliyorum.\n\n> Geri bildiriminizi aldık",
        headers={"In-Reply-To": ack.message["Message-ID"],
                 "References": f"{original_id} {ack.message['Message-ID']}"},
    ))
    assert imap_poll().by_status == {"threaded": 1}
    assert Feedback.objects.count() == 1
    reply = InboundMessage.objects.get(status="threaded")
    assert reply.feedback_id == feedback.pk
    assert "Fatura fotoğrafını ekliyorum." in reply.text
    assert OutboundMessage.objects.count() == 1  # no answer to a reply


@override_settings(**reply_settings())
def test_reference_in_the_subject_threads_only_for_the_customer(
    demo: None, imap_server: Dovecot, mail: Callable[..., bytes]
) -> None:
    imap_server.append(mail(message_id="<one@example.com>"))
    imap_poll()
    reference = Feedback.objects.get().reference

    # No In-Reply-To (a new mail quoting the reference), from the customer: threaded.
    imap_server.append(mail(subject=f"Ek bilgi [{reference}]", text="Seri numarası 123."))
    # The same from someone else: a reference is not a secret, so a new case.
    imap_server.append(mail(sender="Başka Biri <other@example.com>",
                            subject=f"Ek bilgi [{reference}]", text="Benim de sorunum var."))
    # A mistyped reference (bad check digit) never reaches a case.
    wrong = reference[:-1] + str((int(reference[-1]) + 1) % 10)
    imap_server.append(mail(subject=f"Soru [{wrong}]", text="Durum nedir?"))
    report = imap_poll()
    assert report.by_status == {"threaded": 1, "created": 2}
    assert Feedback.objects.count() == 3
    threaded = InboundMessage.objects.get(status="threaded")
    assert threaded.feedback is not None and threaded.feedback.reference == reference


def test_imap_over_tls(demo: None, imaps_server: Dovecot, mail: Callable[..., bytes]) -> None:
    imaps_server.append(mail(sender="Jane Doe <jane@example.com>", subject="Broken screen",
                             text="Please replace the screen, thank you."))
    out = call_command_output("mailin_poll")
    assert "fetched 1: created 1" in out
    feedback = Feedback.objects.select_related("customer").get()
    assert feedback.customer.language == "en"


def test_imap_tls_refuses_an_untrusted_certificate(
    demo: None, imaps_server: Dovecot, mail: Callable[..., bytes]
) -> None:
    import ssl

    imaps_server.append(mail())
    with override_settings(MEMNUN_IMAP_CA_FILE=""), pytest.raises(ssl.SSLError):
        imap_poll()
    assert not Feedback.objects.exists()


def call_command_output(name: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command(name, stdout=out)
    return out.getvalue()
