"""K11: the breach register's 72-hour clock, its alerts, the people a breach touched and
the notice to them. Time is injected (`now=`), never waited for."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.test import override_settings
from django.utils import translation

from memnun.audit.models import AuditEvent
from memnun.dataprotection.models import BreachStatus
from memnun.dataprotection.selectors import breach_affected_people
from memnun.dataprotection.services.breaches import (
    breach_board_notified,
    breach_record,
    breach_subjects_notify,
    breach_watch,
)
from memnun.feedback.errors import FieldErrors, NotPermitted
from memnun.notifications.models import OutboundMessage
from tests.casework import user
from tests.dataprotection.breaches import IST, breach, feedback_at

pytestmark = pytest.mark.django_db

# A Friday evening: the 72 hours run through the weekend (wall-clock, not business hours).
AWARE = datetime(2026, 11, 27, 18, 0, tzinfo=IST)


def test_k11_the_board_is_due_72_wall_clock_hours_after_awareness(demo: None) -> None:
    b = breach(aware_at=AWARE)
    due = datetime(2026, 11, 30, 18, 0, tzinfo=IST)  # Monday 18:00, the weekend counted
    b = breach_board_notified(actor=user("privacy"), breach=b, notified_at=due,
                              now=due + timedelta(minutes=1))
    assert b.status == BreachStatus.NOTIFIED and b.board_notified_at == due
    assert b.board_late_reason == ""
    event = AuditEvent.objects.get(action="breach.board_notified", object_id=str(b.pk))
    assert event.data["late"] is False


def test_k11_a_late_notification_is_refused_without_its_reason(demo: None) -> None:
    b = breach(aware_at=AWARE)
    late = datetime(2026, 11, 30, 18, 1, tzinfo=IST)  # one minute past the 72 hours
    with pytest.raises(FieldErrors) as refused:
        breach_board_notified(actor=user("privacy"), breach=b, notified_at=late,
                              late_reason="  ", now=late)
    assert set(refused.value.fields) == {"late_reason"}
    b.refresh_from_db()
    assert b.status == BreachStatus.OPEN and b.board_notified_at is None

    reason = "Etkilenen kayıtların kapsamı pazartesi öğlene kadar belirlenemedi."
    b = breach_board_notified(actor=user("privacy"), breach=b, notified_at=late,
                              late_reason=reason, board_reference="2026/77", now=late)
    b.refresh_from_db()
    assert b.status == BreachStatus.NOTIFIED and b.board_late_reason == reason
    event = AuditEvent.objects.get(action="breach.board_notified", object_id=str(b.pk))
    assert event.data == {"notified_at": late.isoformat(), "late": True}  # no free text


def test_k11_only_the_privacy_contact_records_a_breach(demo: None) -> None:
    for name in ("quality", "auditor", "agent"):
        with pytest.raises(NotPermitted):
            breach_record(
                actor=user(name), title="x", description="x", detected_at=AWARE,
                aware_at=AWARE, data_categories=["name"], offices=["istanbul"],
                window_from=AWARE, window_to=AWARE, consequences="x", measures="x",
                now=AWARE,
            )


def _alerts() -> list[OutboundMessage]:
    return list(OutboundMessage.objects.filter(kind="breach_alert").order_by("id"))


def test_k11_alerts_reach_privacy_and_quality_at_48_66_and_72_hours(demo: None) -> None:
    b = breach(aware_at=AWARE)
    assert breach_watch(now=AWARE + timedelta(hours=47, minutes=59)) == 0
    assert breach_watch(now=AWARE + timedelta(hours=48)) == 2
    first = _alerts()
    assert sorted(m.recipient for m in first) == ["privacy@memnun.local", "quality@memnun.local"]
    assert all(b.number in m.subject and "30 Kasım 18:00" in m.subject for m in first)
    assert breach_watch(now=AWARE + timedelta(hours=50)) == 0  # each stage once
    assert breach_watch(now=AWARE + timedelta(hours=66)) == 2
    assert breach_watch(now=AWARE + timedelta(hours=72, minutes=1)) == 2
    overdue = _alerts()[-2:]
    assert all("72 saat doldu" in m.subject for m in overdue)
    assert breach_watch(now=AWARE + timedelta(hours=90)) == 0
    hours = [e.data["hours"] for e in AuditEvent.objects.filter(action="breach.alerted")]
    assert hours == [48, 66, 72]


def test_k11_a_notified_breach_alerts_nobody(demo: None) -> None:
    b = breach(aware_at=AWARE)
    breach_board_notified(actor=user("privacy"), breach=b,
                          notified_at=AWARE + timedelta(hours=20),
                          now=AWARE + timedelta(hours=20))
    assert breach_watch(now=AWARE + timedelta(hours=80)) == 0
    assert _alerts() == []


def test_k11_a_breach_first_seen_late_gets_only_the_overdue_alert(demo: None) -> None:
    breach(aware_at=AWARE)
    assert breach_watch(now=AWARE + timedelta(hours=75)) == 2
    assert all("72 saat doldu" in m.subject for m in _alerts())


def test_k11_the_affected_people_are_exactly_those_in_the_window_and_offices(demo: None) -> None:
    start, end = datetime(2026, 11, 20, 9, 0, tzinfo=IST), datetime(2026, 11, 26, 18, 0, tzinfo=IST)
    # In the window at an affected office: Işıl twice (one person), Ali by phone only,
    # and someone on the window's first and last minute.
    isil = [feedback_at(start + timedelta(days=1), email="isil@example.com"),
            feedback_at(start + timedelta(days=2), email="ISIL@example.com",
                        phone="+905321234567")]
    ali = feedback_at(start + timedelta(days=3), name="Ali Veli", phone="+905551112233")
    edges = [feedback_at(start, name="İlk", email="ilk@example.com"),
             feedback_at(end, name="Son", email="son@example.com")]
    # Outside: before and after the window, and another office within it.
    feedback_at(start - timedelta(minutes=1), name="Önce", email="once@example.com")
    feedback_at(end + timedelta(minutes=1), name="Sonra", email="sonra@example.com")
    feedback_at(start + timedelta(days=1), office="ankara", name="Ankara",
                email="ankara@example.com")

    b = breach(aware_at=datetime(2026, 11, 27, 9, 0, tzinfo=IST), window=(start, end))
    people = breach_affected_people(breach=b)
    assert [p.name for p in people] == ["İlk", "Işıl Öztürk", "Ali Veli", "Son"]
    by_name = {p.name: p for p in people}
    assert by_name["Işıl Öztürk"].references == [f.reference for f in isil]
    assert by_name["Işıl Öztürk"].phone == "+905321234567"
    assert by_name["Ali Veli"].references == [ali.reference]
    assert {p.email for p in people} >= {e.customer.email for e in edges}

    both = breach(aware_at=datetime(2026, 11, 27, 9, 0, tzinfo=IST), window=(start, end),
                  offices=("istanbul", "ankara"))
    assert "Ankara" in [p.name for p in breach_affected_people(breach=both)]


@override_settings(MEMNUN_PRIVACY_CONTACT="kvkk@memnun.example")
def test_k11_each_affected_person_gets_the_notice_once(demo: None) -> None:
    start = datetime(2026, 11, 20, 9, 0, tzinfo=IST)
    feedback_at(start + timedelta(hours=1), email="isil@example.com")
    feedback_at(start + timedelta(hours=2), email="isil@example.com")
    feedback_at(start + timedelta(hours=3), name="Jane Doe", email="jane@example.com",
                language="en")
    feedback_at(start + timedelta(hours=4), name="Ali Veli", phone="+905551112233")
    b = breach(aware_at=datetime(2026, 11, 27, 9, 0, tzinfo=IST),
               window=(start, start + timedelta(days=1)))

    assert breach_subjects_notify(actor=user("privacy"), breach=b) == 3
    notices = {m.recipient: m for m in OutboundMessage.objects.filter(kind="breach_notice")}
    assert set(notices) == {"isil@example.com", "jane@example.com", "+905551112233"}
    turkish, english, sms = (notices["isil@example.com"], notices["jane@example.com"],
                             notices["+905551112233"])
    assert turkish.channel == "email" and sms.channel == "sms"
    assert turkish.subject == "Kişisel verilerinizin güvenliği hakkında"
    assert "Sayın Işıl Öztürk" in turkish.text
    assert "20 Kasım 2026, 09:00 ile 21 Kasım 2026, 09:00 arası" in turkish.text
    with translation.override("en"):
        assert english.subject == "About the security of your personal data"
    for part in (english.text, english.html):
        assert "Dear Jane Doe" in part
        assert "Name, E-mail address, Phone number" in part  # the registry's categories
        assert "yetkisiz kişilerce" in part  # likely consequences
        assert "Cihazın erişimi uzaktan kapatıldı." in part  # measures
        assert "kvkk@memnun.example" in part  # contact
        assert b.number in part
    assert "kvkk@memnun.example" in sms.text
    # Once per person: a second run queues nothing; the key spells no address or number.
    assert breach_subjects_notify(actor=user("privacy"), breach=b) == 0
    assert OutboundMessage.objects.filter(kind="breach_notice").count() == 3
    assert all("@" not in m.idempotency_key and "+90" not in m.idempotency_key
               for m in notices.values())
    event = AuditEvent.objects.filter(action="breach.subjects_notified").first()
    assert event is not None and event.data == {"queued": 3, "people": 3, "unreachable": 0}


def test_k11_the_watch_runs_on_the_worker_schedule() -> None:
    from memnun.dataprotection.tasks import breach_deadline_watch
    from memnun.jobs.schedule import PERIODIC, autodiscover

    autodiscover()
    job = PERIODIC["dataprotection.breach_watch"]
    assert job.task is breach_deadline_watch
    assert job.period <= timedelta(minutes=10)
