"""K11 on the desk: the personal-data contact records a breach, sees its 72-hour clock and
the people it touched (masked), records a late Board notification only with its reason,
and sends the notices; quality and the auditor read; other roles are refused."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from memnun.audit.models import AuditEvent
from memnun.dataprotection.models import Breach, BreachStatus
from memnun.notifications.models import OutboundMessage
from tests.dataprotection.breaches import IST, breach, feedback_at
from tests.desk.helpers import signed_in

pytestmark = pytest.mark.django_db


def _local(at: datetime) -> str:
    return timezone.localtime(at, IST).strftime("%Y-%m-%dT%H:%M")


def test_k11_the_privacy_contact_records_a_breach_on_the_desk(demo: None) -> None:
    now = timezone.now()
    feedback_at(now - timedelta(days=2), email="isil@example.com")
    client = signed_in("privacy")
    assert 'href="/desk/breaches/"' in client.get("/desk/queue/").content.decode()
    empty = client.post("/desk/breaches/new", {})
    assert empty.status_code == 422
    assert "Choose at least one data category." in empty.content.decode()

    aware = now - timedelta(hours=1)
    response = client.post("/desk/breaches/new", {
        "title": "Lost laptop", "description": "A laptop of the Istanbul office was stolen.",
        "detected_at": _local(aware - timedelta(hours=1)), "aware_at": _local(aware),
        "data_categories": ["name", "email"], "offices": ["istanbul"],
        "window_from": _local(now - timedelta(days=7)), "window_to": _local(now),
        "consequences": "Names and e-mail addresses may have been seen.",
        "measures": "The laptop was wiped remotely.",
    })
    b = Breach.objects.get(title="Lost laptop")
    assert response.status_code == 302 and response["Location"] == f"/desk/breaches/{b.pk}"
    page = client.get(f"/desk/breaches/{b.pk}").content.decode()
    due = timezone.localtime(b.aware_at + timedelta(hours=72), IST).strftime("%d.%m.%Y %H:%M")
    assert due in page
    assert "Affected people: 1" in page and "Name, E-mail address" in page
    assert "isil@example.com" not in page  # masked on the desk
    assert AuditEvent.objects.filter(action="breach.recorded", object_id=str(b.pk)).exists()

    sent = client.post(f"/desk/breaches/{b.pk}/do/notify", follow=True)
    assert "A notice is queued for 1 person." in sent.content.decode()
    assert OutboundMessage.objects.get(kind="breach_notice").recipient == "isil@example.com"


def test_k11_a_late_board_notification_needs_its_reason_on_the_desk(demo: None) -> None:
    aware = timezone.now() - timedelta(hours=80)
    b = breach(aware_at=aware, now=aware + timedelta(minutes=5))
    client = signed_in("privacy")
    page = client.get(f"/desk/breaches/{b.pk}").content.decode()
    assert "The 72 hours have passed" in page
    notified = _local(timezone.now() - timedelta(minutes=5))
    refused = client.post(f"/desk/breaches/{b.pk}/do/board", {"board-notified_at": notified})
    assert refused.status_code == 422
    assert "state the reasons for the delay" in refused.content.decode()
    b.refresh_from_db()
    assert b.status == BreachStatus.OPEN
    done = client.post(f"/desk/breaches/{b.pk}/do/board", {
        "board-notified_at": notified, "board-late_reason": "The scope took four days to find.",
    })
    assert done.status_code == 302
    b.refresh_from_db()
    assert b.status == BreachStatus.NOTIFIED
    assert b.board_late_reason == "The scope took four days to find."
    page = client.get(f"/desk/breaches/{b.pk}").content.decode()
    assert "(late)" in page and "The scope took four days to find." in page
    assert client.post(f"/desk/breaches/{b.pk}/do/close").status_code == 302
    b.refresh_from_db()
    assert b.status == BreachStatus.CLOSED


def test_k11_quality_and_the_auditor_read_the_register_others_do_not(demo: None) -> None:
    b = breach(aware_at=timezone.now() - timedelta(hours=2))
    for reader in ("quality", "auditor"):
        client = signed_in(reader)
        assert client.get("/desk/breaches/").status_code == 200
        page = client.get(f"/desk/breaches/{b.pk}").content.decode()
        assert b.title in page and "Record the Board" not in page
        assert client.get("/desk/breaches/new").status_code == 403
        assert client.post(f"/desk/breaches/{b.pk}/do/notify").status_code == 403
    for other in ("agent", "handler", "reviewer", "manager", "admin"):
        client = signed_in(other)
        assert client.get("/desk/breaches/").status_code == 403
        assert client.get(f"/desk/breaches/{b.pk}").status_code == 403
    assert 'href="/desk/breaches/"' not in signed_in("agent").get("/desk/queue/").content.decode()


def test_k11_the_pages_are_turkish_by_default(demo: None) -> None:
    from django.test import Client

    from memnun.accounts.models import User

    b = breach(aware_at=timezone.now() - timedelta(hours=2))
    client = Client()
    client.force_login(User.objects.get(username="privacy"))
    page = client.get(f"/desk/breaches/{b.pk}")
    assert page.status_code == 200 and page["Content-Language"] == "tr"
    assert '<html lang="tr"' in page.content.decode()


def test_k11_the_breach_page_costs_the_same_queries_for_more_people(demo: None) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    now = timezone.now()
    b = breach(aware_at=now - timedelta(hours=1), window=(now - timedelta(days=3), now))
    client = signed_in("privacy")

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(f"/desk/breaches/{b.pk}").status_code == 200
        return len(context.captured_queries)

    feedback_at(now - timedelta(days=1), email="a@example.com")
    few = queries()
    for n in range(5):
        feedback_at(now - timedelta(hours=n + 2), name=f"Kişi {n}", email=f"k{n}@example.com")
    assert queries() == few
