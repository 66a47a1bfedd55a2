"""The case page's timeline: every kind of event, in the order it happened, told as staff
read it (titles, who did it, amounts, dates, labels), from one read of the case's rows."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from memnun.feedback.escalation_models import Escalation
from memnun.feedback.models import CaseMessage, Compensation, InvolvedPerson
from memnun.feedback.selectors.case import case_timeline
from tests.casework import Case, user

pytestmark = pytest.mark.django_db


def test_every_kind_of_event_is_told_in_order(demo: None) -> None:
    case = Case().start().propose()
    handler = user("handler")
    feedback = case.fresh()
    now = timezone.now()
    CaseMessage.objects.create(
        feedback=feedback, author=handler, body="Müşteri {{ tekrar }} aradı",
        visible_to_customer=False, created_at=now,
    )
    InvolvedPerson.objects.create(
        feedback=feedback, user=user("agent"), role_in_subject="Teknisyen", recorded_by=handler,
        recorded_at=now + timedelta(seconds=1),
    )
    Compensation.objects.create(
        feedback=feedback, kind="voucher", amount=Decimal("150"), legal_basis="6502/11",
        status="proposed", proposed_by=handler, proposed_at=now + timedelta(seconds=2),
    )
    case.approve()
    Escalation.objects.create(
        feedback=feedback, reason="external_referral", from_level=1, to_level=2,
        external_body="consumer_court", referred_on=date(2026, 12, 1), by=None,
        at=now + timedelta(days=1), text="Mahkemeye başvurdu",
    )

    case_timeline(feedback=feedback)  # the escalation ladder read once (configuration)
    with CaptureQueriesContext(connection) as queries, translation.override("en"):
        entries = case_timeline(feedback=feedback)
    told = [(e.kind, e.title, e.actor, e.text, e.detail) for e in entries]

    assert [e.at for e in entries] == sorted(e.at for e in entries)
    kinds = [e.kind for e in entries]
    assert {"stage", "assignment", "proposal", "decision", "note", "involved",
            "compensation", "escalation"} <= set(kinds)
    assert kinds[-1] == "escalation"
    assert ("note", "Internal note", "Mehmet Yıldız", "Müşteri {{ tekrar }} aradı", "") in told
    assert ("involved", "Involved in the subject: Ayşe Demir", "Mehmet Yıldız",
            "Teknisyen", "") in told
    assert ("compensation", "Compensation: Voucher, 150.00 TRY (Awaiting approval)",
            "Mehmet Yıldız", "6502/11", "") in told
    assert ("decision", "Proposal: Approved", "Zeynep Kaya", "", "") in told
    assert ("assignment", "Assigned to Mehmet Yıldız", "Zeynep Kaya", "", "") in told
    assert ("ack", "Acknowledgement given", "", "", "Phone · on time") in told
    assert (
        "outbound", f"Sent to the customer: Geri bildiriminizi aldık [{case.reference}]",
        "", "", "E-mail · Waiting to be sent",
    ) in told
    escalation = entries[-1]
    assert escalation.title == "Escalated to level 2: Office reviewer"
    assert escalation.actor == "The customer" and escalation.personal
    assert escalation.detail == "Referred to an external body · Consumer court · 01.12.2026"
    proposal = next(e for e in entries if e.kind == "proposal")
    assert proposal.actor == "Mehmet Yıldız"
    assert proposal.text.splitlines() == [
        "Resolution: Ekranınız yarın değiştirilecek; gecikme için özür dileriz.",
        "Root cause: Parça tedarikçiden geç geldi.",
        "Root cause category: Yedek parça tedariki",
        "Corrective action: İkinci tedarikçi eklendi.",
    ]
    stages = [(e.title, e.actor) for e in entries if e.kind == "stage"]
    assert stages[0] == ("Status: Created", "Ayşe Demir")
    assert ("Status: In progress", "Zeynep Kaya") in stages
    # The customer's answer, with how it reached us.
    case.answer(accept=False)
    with translation.override("en"):
        answer = next(e for e in case_timeline(feedback=feedback) if e.kind == "answer")
    assert (answer.title, answer.actor, answer.detail) == (
        "The customer rejected", "The customer", "Tracking page"
    )
    # One read of the case's rows, one of the staff named in them, one of its messages.
    assert len(queries) <= 3, [q["sql"][:80] for q in queries]
