"""K8: anonymising a case in place removes the person and keeps every report figure."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Model
from django.test import Client

from memnun.audit.chain import audit_verify
from memnun.audit.models import AuditEvent
from memnun.dataprotection.services.anonymise import anonymise_case
from memnun.feedback.models import Feedback
from memnun.feedback.services.intake import CustomerInput
from memnun.feedback.services.notes import attachment_add, message_send, note_add
from memnun.mailin.services import mail_receive
from memnun.notifications.models import OutboundMessage
from tests.casework import user
from tests.feedback.cases import at, record
from tests.mailin.conftest import PNG, build_mail
from tests.reports.known_cases import FROM, TO, week

pytestmark = pytest.mark.django_db

NAME = "Ayşe Yılmaz"
EMAIL = "ayse.yilmaz@example.org"
PHONE = "+905321112233"
IMEI = "490154203237518"
SERIAL = "R58N12ABCDE"
REPAIR_ORDER = "SRV-778812"
SECRETS = (NAME, EMAIL.lower(), PHONE, "5321112233", IMEI, SERIAL, REPAIR_ORDER, "Yılmaz")
PARETO_BY = ("category", "root_cause_category", "brand", "product", "office")


@pytest.fixture
def media(tmp_path: Path, settings: Any) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _person_case() -> Feedback:
    """A case with every kind of personal data: contacts, device, note, message, files, mail."""
    case = record(
        channel="email", received_at=at("2025-04-24 11:00"), brand="Samsung",
        product="Galaxy S23",
        customer=CustomerInput(name=NAME, email=EMAIL, phone=PHONE, address="Moda Cd. 5 Kadıköy"),
        imei=IMEI, device_serial=SERIAL, repair_order=REPAIR_ORDER,
        remedy_sought=f"{NAME} yeni cihaz istiyor.",
    )
    note_add(actor=user("reviewer"), feedback=case, body=f"{NAME} aradı, {PHONE}.")
    message_send(actor=user("reviewer"), feedback=case, body=f"Sayın {NAME}, inceliyoruz.")
    attachment_add(actor=user("reviewer"), feedback=case, filename="fatura-yilmaz.png",
                   content_type="image/png", content=PNG)
    reply = build_mail(sender=f"{NAME} <{EMAIL}>", subject=f"Re: [{case.reference}] ekran",
                       text=f"Merhaba, ben {NAME}. IMEI {IMEI}.",
                       attachments=[("kutu.png", "image/png", PNG + b"box")])
    mail_receive(raw=reply)
    case.refresh_from_db()
    assert case.inbound_messages.count() == 1 and case.attachments.count() == 1
    return case


def _reports(api: Client, headers: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path, extra in [("kpi", {})] + [("pareto", {"by": by}) for by in PARETO_BY]:
        response = api.get(f"/api/v1/reports/{path}", {"from": FROM, "to": TO, **extra},
                           headers=headers)
        assert response.status_code == 200, response.content
        out[f"{path}:{extra}"] = response.json()
    return out


def _rows_text(case: Feedback) -> str:
    """Every row of the case and beside it, as text (what a database dump would show)."""
    rows: list[Model] = [case, case.customer]
    for relation in ("messages", "attachments", "escalations", "customer_answers", "questions",
                     "proposals", "compensations", "involved", "inbound_messages", "consents",
                     "disclosures", "stages"):
        rows += list(getattr(case, relation).all())
    rows += [a for m in case.inbound_messages.all() for a in m.attachments.all()]
    rows += list(OutboundMessage.objects.filter(source_type="feedback", source_id=str(case.pk)))
    return json.dumps(
        [{f.attname: str(getattr(r, f.attname)) for f in r._meta.concrete_fields} for r in rows],
        ensure_ascii=False,
    ).lower()


def test_k8_anonymising_keeps_every_report_figure_and_removes_the_person(
    demo: None, api: Client, staff_headers: Callable[..., dict[str, str]], media: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """K8: the KPI and every Pareto answer the same before and after anonymising cases of
    different kinds (closed and agreed, closed and rejected, merged, never handled, a
    suggestion, a reopened one, one with files and e-mail); the cases' rows hold none of
    the person's name, e-mail, phone, IMEI, serial or repair order; `audit verify` passes."""
    w = week()
    g = _person_case()
    assert any(s.lower() in _rows_text(g) for s in SECRETS)
    stored = sorted(p for p in media.rglob("*") if p.is_file())
    assert len(stored) >= 2
    headers = staff_headers("quality")
    before = _reports(api, headers)

    with django_capture_on_commit_callbacks(execute=True):
        for case in (w.a, w.b, w.c, w.d, w.e, w.f, g):
            done = anonymise_case(case, by=user("privacy"), reason="erasure request 1")
            assert not done.already
    again = anonymise_case(g, by=None, reason="retention rule 1")

    after = _reports(api, headers)
    assert after == before
    assert again.already
    assert AuditEvent.objects.filter(action="feedback.anonymised").count() == 7
    g.refresh_from_db()
    assert g.anonymised_at is not None and g.anonymised_reason == "erasure request 1"
    text = _rows_text(g)
    for secret in SECRETS:
        assert secret.lower() not in text, secret
    for case in (w.a, w.b, w.d):
        assert "işıl" not in _rows_text(case) and "isil@example.com" not in _rows_text(case)
    # The stored files are gone; the reference, codes and scores stay.
    assert not [p for p in media.rglob("*") if p.is_file() and p.parent.name != "letters"]
    w.a.refresh_from_db()
    assert (w.a.reference, w.a.status, w.a.channel, w.a.survey.score) == (
        w.a.reference, "closed", "fax", 5)
    assert audit_verify().ok
    call_command("audit_verify")
