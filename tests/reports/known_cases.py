"""Cases with known report figures, made through the real services with injected times.

The week of 21–25 April 2025 in Istanbul (Mon–Fri 09:00–18:00), with Wednesday
23 April a public holiday (National Sovereignty and Children's Day). Two cases
fall just outside the week. Each case's comment gives what it contributes.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from memnun.feedback.codes import Closure
from memnun.feedback.models import Feedback
from memnun.feedback.services.acknowledgement import feedback_acknowledge
from memnun.feedback.services.assessment import AssessmentInput
from memnun.feedback.services.compensation import compensation_decide, compensation_propose
from memnun.feedback.services.customer_answers import customer_answer_record, survey_record
from memnun.feedback.services.lifecycle import (
    feedback_approve,
    feedback_close,
    feedback_propose,
    feedback_reopen,
    feedback_start,
)
from memnun.feedback.services.merging import feedback_merge
from memnun.feedback.services.questions import question_answer, question_ask
from tests.casework import user
from tests.feedback.cases import at, record

FROM, TO = "2025-04-21", "2025-04-25"


@dataclass
class Week:
    a: Feedback
    b: Feedback
    c: Feedback
    d: Feedback
    e: Feedback
    f: Feedback
    h: Feedback


def _start(feedback: Feedback, category: str, when: str) -> None:
    feedback_start(
        actor=user("reviewer"), feedback=feedback, assignee="handler", now=at(when),
        assessment=AssessmentInput(severity="medium", safety_hazard=False, category=category),
    )


def _propose(feedback: Feedback, root_cause: str, when: str) -> None:
    feedback.refresh_from_db()
    feedback_propose(
        actor=user("handler"), feedback=feedback, root_cause="Parça geç geldi.",
        root_cause_category=root_cause, corrective_action="İkinci tedarikçi.",
        resolution="Ekranınız değiştirilecek.", now=at(when),
    )


def _approve(feedback: Feedback, when: str) -> None:
    feedback.refresh_from_db()
    feedback_approve(actor=user("reviewer"), feedback=feedback, now=at(when))


def _fresh(feedback: Feedback) -> Feedback:
    feedback.refresh_from_db()
    return feedback


def week() -> Week:
    # A: fax, Mon 10:00, acknowledged 15:00 (due 16:00: on time); approved Tue 12:00
    # (8 + 3 = 11 business hours); the customer agrees; closed; survey 5.
    # A, B and D consent to the survey: their closing messages carry it (3 surveys sent).
    a = record(channel="fax", received_at=at("2025-04-21 10:00"), brand="Samsung",
               product="Galaxy S23", survey=True)
    feedback_acknowledge(feedback=a, method="letter", sent_at=at("2025-04-21 15:00"),
                         actor=user("agent"))
    _start(a, "repair-delay", "2025-04-21 11:00")
    # A free repair within the handler's own limit: granted at once.
    compensation_propose(actor=user("handler"), feedback=_fresh(a), kind="free_repair",
                         amount=Decimal("500.00"), legal_basis="TKHK m. 11",
                         now=at("2025-04-21 13:30"))
    _propose(a, "part-supply", "2025-04-21 14:00")
    # E: front office, Mon 12:00, acknowledged on the spot; merged into A at 13:00.
    e = record(channel="front_office", received_at=at("2025-04-21 12:00"), brand="samsung")
    feedback_merge(actor=user("reviewer"), duplicate=e, into=_fresh(a),
                   now=at("2025-04-21 13:00"))
    _approve(a, "2025-04-22 12:00")
    customer_answer_record(feedback=_fresh(a), accept=True, now=at("2025-04-22 14:00"))
    feedback_close(actor=user("handler"), feedback=_fresh(a), closure=Closure.CUSTOMER_AGREED,
                   now=at("2025-04-22 15:00"))
    survey_record(feedback=_fresh(a), score=5, now=at("2025-04-22 16:00"))

    # B: fax, Tue 20:00 (after hours, the next day a holiday): the clock starts Thu 09:00,
    # acknowledgement due Thu 15:00, given 16:00 (late); approved Fri 13:00 (9 + 4 = 13
    # business hours); the customer rejects; closed with options exhausted; survey 4.
    b = record(channel="fax", received_at=at("2025-04-22 20:00"), brand="SAMSUNG",
               product="Galaxy S23", survey=True)
    feedback_acknowledge(feedback=b, method="letter", sent_at=at("2025-04-24 16:00"),
                         actor=user("agent"))
    _start(b, "parts", "2025-04-24 10:00")
    # A refund above the handler's limit, approved by the quality manager: granted.
    refund = compensation_propose(actor=user("handler"), feedback=_fresh(b), kind="refund",
                                  amount=Decimal("2500.50"), legal_basis="TKHK m. 11",
                                  now=at("2025-04-24 11:00"))
    compensation_decide(actor=user("quality"), compensation=refund, approve=True,
                        now=at("2025-04-24 11:30"))
    _propose(b, "workmanship", "2025-04-24 12:00")
    _approve(b, "2025-04-25 13:00")
    customer_answer_record(feedback=_fresh(b), accept=False, now=at("2025-04-25 14:00"))
    feedback_close(actor=user("quality"), feedback=_fresh(b), closure=Closure.OPTIONS_EXHAUSTED,
                   external_recourse="Tüketici hakem heyetine başvurabilirsiniz.",
                   now=at("2025-04-25 16:00"))
    survey_record(feedback=_fresh(b), score=4, now=at("2025-04-25 17:00"))

    # C: letter to Ankara, received on the holiday, never acknowledged, not started.
    c = record(channel="letter", received_at=at("2025-04-23 11:00"), office="ankara",
               actor="quality", brand="Apple", product="iPhone 13")

    # D: phone, Thu 09:30 (acknowledged on the spot); waits for the customer from Thu 11:00
    # to Fri 10:00; approved Fri 17:00 (8.5 + 8 = 16.5 business hours, the wait included);
    # agreed, closed and reopened: in progress now.
    d = record(channel="phone", received_at=at("2025-04-24 09:30"), brand="apple",
               product="iPhone 13", survey=True)
    _start(d, "repair-delay", "2025-04-24 10:00")
    question_ask(actor=user("handler"), feedback=_fresh(d), question="Faturanız var mı?",
                 now=at("2025-04-24 11:00"))
    question_answer(feedback=_fresh(d), answer="Evet, ekte.", now=at("2025-04-25 10:00"))
    _propose(d, "part-supply", "2025-04-25 11:00")
    _approve(d, "2025-04-25 17:00")
    customer_answer_record(feedback=_fresh(d), accept=True, now=at("2025-04-25 17:10"))
    feedback_close(actor=user("handler"), feedback=_fresh(d), closure=Closure.CUSTOMER_AGREED,
                   now=at("2025-04-25 17:20"))
    feedback_reopen(actor=user("agent"), feedback=_fresh(d), reason="Aynı arıza tekrarladı.",
                    now=at("2025-04-25 17:45"))
    # A voucher above the handler's limit that the reviewer turns down: not granted.
    voucher = compensation_propose(actor=user("handler"), feedback=_fresh(d), kind="voucher",
                                   amount=Decimal("3000.00"), legal_basis="TKHK m. 11",
                                   now=at("2025-04-25 17:50"))
    compensation_decide(actor=user("reviewer"), compensation=voucher, approve=False,
                        reason="Onarım yeterli.", now=at("2025-04-25 17:55"))

    # F: a suggestion by letter, Fri 10:00, not acknowledged yet.
    f = record(channel="letter", type="suggestion", received_at=at("2025-04-25 10:00"))
    # H: fax to Ankara, Fri 23:30 Istanbul (20:30 UTC: still the 25th), a brand we do not
    # know (kept as written, no brand code), not acknowledged.
    h = record(channel="fax", received_at=at("2025-04-25 23:30"), office="ankara",
               actor="quality", brand="Nokya")
    # Outside the week: Sun 23:59 before it and Sat 00:00 after it (Izmir).
    record(channel="fax", received_at=at("2025-04-20 23:59"), office="izmir", actor="quality")
    record(channel="fax", received_at=at("2025-04-26 00:00"), office="izmir", actor="quality")
    return Week(a=a, b=b, c=c, d=d, e=e, f=f, h=h)
