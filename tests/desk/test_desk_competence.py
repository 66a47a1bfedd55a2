"""Competence in the desk (R4.14): training records kept by quality and administrators, and
the capacity of each office (open cases, median age, handlers, trained handlers)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from memnun.accounts.roles import Role
from memnun.audit.models import AuditEvent
from memnun.feedback.errors import NotPermitted
from memnun.feedback.selectors.capacity import OfficeCapacity, capacity_by_office
from memnun.governance.models import TrainingRecord
from tests.casework import case_in, staff, train, user
from tests.desk.helpers import signed_in
from tests.feedback.cases import at, record

pytestmark = pytest.mark.django_db

NOW = at("2026-11-24 12:00")


@pytest.fixture
def offices(demo: None) -> None:
    """İstanbul: 3 open cases (14, 11 and 4 days old) and a closed one; the demo handler
    and team lead (trained), one untrained and one lapsed handler, an inactive one.
    Ankara: 1 open case (1 day old), one trained handler. İzmir: nothing."""
    for day in ("2026-11-10 12:00", "2026-11-13 12:00", "2026-11-20 12:00"):
        record(received_at=at(day))
    case_in("closed")
    record(received_at=at("2026-11-23 12:00"), office="ankara", actor="quality")
    staff("novice", Role.HANDLER, trained=False)
    train(staff("lapsed", Role.HANDLER, trained=False), completed_on=date(2024, 1, 1),
          expires_on=date(2026, 11, 1))
    staff("gone", Role.HANDLER, is_active=False)
    staff("ankara_h", Role.HANDLER, "ankara")


def test_capacity_figures_per_office(offices: None) -> None:
    rows = capacity_by_office(user=user("quality"), now=NOW)
    assert rows == [
        OfficeCapacity("ankara", "Ankara", 1, 1.0, 1, 1),
        OfficeCapacity("istanbul", "İstanbul", 3, 11.0, 4, 2),
        OfficeCapacity("izmir", "İzmir", 0, None, 0, 0),
    ]
    assert capacity_by_office(user=user("quality"), office="ankara", now=NOW) == rows[:1]


def test_a_team_lead_sees_their_own_office_and_others_none(offices: None) -> None:
    assert [r.office for r in capacity_by_office(user=user("reviewer"), now=NOW)] == [
        "istanbul"
    ]
    with pytest.raises(NotPermitted):
        capacity_by_office(user=user("reviewer"), office="ankara", now=NOW)
    with pytest.raises(NotPermitted):
        capacity_by_office(user=user("handler"), now=NOW)


def test_the_capacity_page(offices: None) -> None:
    html = signed_in("manager").get("/desk/competence/capacity/").content.decode()
    row = html[html.index('id="office-istanbul"'):]
    row = row[: row.index("</tr>")]
    assert '<td data-label="Open cases" class="open">3</td>' in row
    assert '<td data-label="Handlers" class="handlers">4</td>' in row
    assert '<td data-label="Trained handlers" class="trained">2</td>' in row
    reviewer = signed_in("reviewer").get("/desk/competence/capacity/").content.decode()
    assert 'id="office-istanbul"' in reviewer and 'id="office-ankara"' not in reviewer


@pytest.mark.parametrize(
    ("username", "status"),
    [("quality", 200), ("manager", 200), ("auditor", 200), ("reviewer", 200),
     ("handler", 403), ("agent", 403), ("admin", 403)],
)
def test_who_reads_the_capacity_report(demo: None, username: str, status: int) -> None:
    assert signed_in(username).get("/desk/competence/capacity/").status_code == status


@pytest.mark.parametrize(
    ("username", "status"),
    [("quality", 200), ("admin", 200), ("manager", 403), ("auditor", 403),
     ("reviewer", 403), ("handler", 403)],
)
def test_who_keeps_the_training_records(demo: None, username: str, status: int) -> None:
    assert signed_in(username).get("/desk/competence/training/").status_code == status


def test_recording_a_training_in_the_desk(demo: None) -> None:
    staff("novice", Role.HANDLER, trained=False)
    client = signed_in("quality")
    today = timezone.localdate()
    bad = client.post("/desk/competence/training/", {
        "training-username": "novice", "training-course": "ISO 10002",
        "training-completed_on": "2026-01-10", "training-expires_on": "2026-01-10",
    })
    assert bad.status_code == 422 and 'href="#id_training-expires_on"' in bad.content.decode()
    done = client.post("/desk/competence/training/", {
        "training-username": "novice", "training-course": "ISO 10002 temel eğitim",
        "training-completed_on": today.isoformat(), "training-evidence": "Sertifika 42",
    })
    assert done.status_code == 302
    record_ = TrainingRecord.objects.get(user__username="novice")
    assert (record_.course, record_.recorded_by) == ("ISO 10002 temel eğitim", user("quality"))
    event = AuditEvent.objects.get(action="training.recorded")
    assert event.actor == "quality" and event.data["user"] == "novice"
    page = client.get("/desk/competence/training/").content.decode()
    assert "Sertifika 42" in page


def test_the_median_age_of_an_even_count_is_the_mean_of_the_middle_two(
    offices: None, django_assert_max_num_queries: Any
) -> None:
    record(received_at=at("2026-11-23 00:00"))  # İstanbul: 14, 11, 4 and 1.5 days old
    with django_assert_max_num_queries(8):  # whatever the number of cases
        rows = capacity_by_office(user=user("quality"), now=NOW)
    assert [(r.office, r.open_cases, r.median_age_days) for r in rows] == [
        ("ankara", 1, 1.0), ("istanbul", 4, 7.5), ("izmir", 0, None),
    ]
