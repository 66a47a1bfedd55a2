"""K10: a full journey leaves no personal data in the application logs.

Web intake on the portal → the acknowledgement delivered to a real SMTP server on
loopback → the customer's e-mail reply (mailgate) → desk handling (a reveal with its
reason, start, propose, approve) → the customer accepts on the portal → closure → the
survey answered. Every record of the memnun loggers and django.request is captured at
DEBUG, formatted as a handler would write it, and searched for the customer's name,
e-mail address and phone number (as typed, stored and dialled).
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from memnun.feedback.models import Feedback
from memnun.feedback.tracking_access import tracking_link_token
from memnun.jobs.worker import Worker
from memnun.mailin.models import InboundMessage
from tests import mailtools
from tests.desk.helpers import signed_in

pytestmark = pytest.mark.django_db

NAME = "Nurhan Kılıçarslan"
EMAIL = "nurhan.kilicarslan@example.org"
PHONE_TYPED = "0532 987 65 43"
# The phone as typed, as stored (E.164) and as its national digits.
PHONES = (PHONE_TYPED, "+905329876543", "5329876543", "532 987 65 43")
LOGGERS = ("memnun", "django.request")


class Keep(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def captured() -> Iterator[Keep]:
    keep = Keep()
    saved = []
    for name in LOGGERS:
        logger = logging.getLogger(name)
        saved.append((logger, logger.level))
        logger.setLevel(logging.DEBUG)
        logger.addHandler(keep)
    try:
        yield keep
    finally:
        for logger, level in saved:
            logger.removeHandler(keep)
            logger.setLevel(level)


def _work() -> None:
    Worker(worker_id="k10-worker", periodic={}).run(once=True)


def _desk(client: Client, reference: str, action: str, **fields: str) -> None:
    response = client.post(f"/desk/feedback/{reference}/do/{action}",
                           {f"{action}-{k}": v for k, v in fields.items()})
    assert response.status_code == 302, (action, response.content.decode()[:3000])


def test_k10_a_full_journey_logs_no_personal_data(demo: None, captured: Keep) -> None:
    with mailtools.smtp_sink() as sink, override_settings(**mailtools.smtp_settings(sink.port)):
        customer = Client()
        page = customer.get("/feedback/new/").content.decode()
        submission = re.search(r'name="submission" value="([0-9a-f]+)"', page)
        assert submission
        form = {
            "type": "complaint", "subject": "Ekran değişimi gecikti",
            "description": "Telefonum üç haftadır serviste.", "preferred_contact": "email",
            "language": "tr", "name": NAME, "email": EMAIL, "phone": PHONE_TYPED,
            "privacy_notice": "on", "submission": submission.group(1),
        }
        # A mistake first (django.request logs the 4xx), then the complaint.
        assert customer.post("/feedback/new/", form | {"privacy_notice": ""}).status_code != 302
        assert customer.post("/feedback/new/", form).status_code == 302
        feedback = Feedback.objects.select_related("customer").get(customer__email=EMAIL)
        assert feedback.customer.phone == "+905329876543"
        reference = feedback.reference
        _work()
        [ack] = sink.wait_for(1)
        assert ack.recipients == [EMAIL]

        reviewer = signed_in("reviewer")
        assert reviewer.get(f"/desk/feedback/{reference}").status_code == 200
        reviewer.post(f"/desk/feedback/{reference}/reveal",
                      {"reveal-reason": "Müşteriyi geri aramak için"})
        # The customer answers the acknowledgement by e-mail (the MTA's pipe, mailgate).
        ack_id = ack.message["Message-ID"]
        reply = (
            f"From: {NAME} <{EMAIL}>\r\nTo: noreply@memnun.local\r\n"
            f"Subject: Re: Geri bildiriminizi aldık [{reference}]\r\n"
            f"Message-ID: <k10-reply-1@example.org>\r\nIn-Reply-To: {ack_id}\r\n"
            f"References: {ack_id}\r\nMIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\n"
            f"Telefonum {PHONE_TYPED}, beni arayın.\r\n"
        ).encode()
        call_command("mailgate", stdin=io.BytesIO(reply), stdout=io.StringIO())
        assert InboundMessage.objects.get(feedback=feedback).status == "threaded"
        _desk(reviewer, reference, "start", assignee="handler", severity="medium",
              category="repair-delay")
        handler = signed_in("handler")
        _desk(handler, reference, "propose", resolution="Ekranınız yarın değiştirilecek.",
              root_cause="Parça geç geldi.", corrective_action="İkinci tedarikçi eklendi.",
              root_cause_category="part-supply", response_type="replace_part")
        _desk(reviewer, reference, "approve", note="Uygun.")
        _work()

        feedback.refresh_from_db()
        agreement = tracking_link_token(feedback=feedback, purpose="agreement")
        customer.get(f"/track/{reference}/agreement", {"t": agreement})
        assert customer.post(f"/track/{reference}/agreement",
                             {"answer": "accept"}).status_code == 302
        _desk(handler, reference, "close", closure="customer_agreed")
        _work()
        feedback.refresh_from_db()
        assert feedback.status == "closed"
        survey = tracking_link_token(feedback=feedback, purpose="survey")
        customer.get(f"/track/{reference}/survey", {"t": survey})
        assert customer.post(f"/track/{reference}/survey",
                             {"score": "5", "comment": f"Teşekkürler, {NAME}"}).status_code == 302
        _work()
        assert len(sink.received) >= 3  # acknowledgement, stages, resolution, closure
        assert all(m.recipients == [EMAIL] for m in sink.received)

    logs = "\n".join(captured.lines)
    # The scan looks at real lines: the 4xx, the worker's, the outbox's and the mail's.
    assert "Unprocessable Entity: /feedback/new/" in logs
    assert "acknowledgement email attempt 1" in logs and "closed email attempt 1" in logs
    assert "memnun.mailin" in logs
    found = [value for value in (NAME, *NAME.split(), EMAIL, EMAIL.split("@")[0], *PHONES)
             if value.casefold() in logs.casefold()]
    leaking = [line for line in captured.lines
               if any(v.casefold() in line.casefold() for v in found)]
    assert found == [], "personal data in the logs:\n" + "\n".join(leaking[:20])
