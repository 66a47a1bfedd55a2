"""The desk's home, "my work": panels by role (the matrix decides), counts and rows, links to
the filtered queue, htmx refresh, the last look, and flat query counts."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext

from memnun.devtools.fill import feedback_fill
from memnun.feedback.desk_models import HomeLook
from memnun.feedback.models import Feedback
from memnun.feedback.services.questions import question_ask
from memnun.organisation.models import Office
from tests.casework import Case, case_in, user
from tests.desk.helpers import signed_in

pytestmark = pytest.mark.django_db


def panels(html: str) -> dict[str, int]:
    """Each panel on the page and the count it shows."""
    return {
        key: int(count) for key, count in re.findall(
            r'<section class="panel" id="panel-([a-z_]+)".*?data-count="(\d+)"', html, re.S
        )
    }


def test_the_home_needs_a_signed_in_member_of_staff(demo: None) -> None:
    response = Client().get("/desk/")
    assert response.status_code == 302
    assert response["Location"].startswith("/desk/login/?next=/desk/")
    # The queue keeps its own address.
    assert signed_in("agent").get("/desk/queue/").status_code == 200


def test_a_handler_sees_their_own_work(demo: None) -> None:
    mine = case_in("in_progress")
    elsewhere = Case(office="ankara")  # another office: never counted, even if "theirs"
    Feedback.objects.filter(pk=elsewhere.feedback.pk).update(assignee=user("handler"))
    Case()  # unassigned: not the handler's panel
    question_ask(actor=user("handler"), feedback=mine.fresh(), question="Fatura no?")
    html = signed_in("handler").get("/desk/").content.decode()
    shown = panels(html)
    # Handlers handle but do not assign or review: no office-wide panels.
    assert set(shown) == {"mine", "overdue", "due_today", "at_risk", "waiting", "answered",
                          "recent"}
    assert shown["mine"] == 1 and shown["recent"] == 1 and shown["waiting"] == 1
    assert f'href="/desk/feedback/{mine.reference}"' in html
    # Each panel links to the queue with its filters; the deadline panels are their own cases.
    assert 'href="/desk/queue/?assigned=me"' in html
    assert 'href="/desk/queue/?assigned=me&amp;deadline=overdue"' in html
    assert 'href="/desk/queue/?assigned=me&amp;waiting=customer"' in html


def test_a_reviewer_sees_the_office(demo: None) -> None:
    case_in("under_review")
    Case()
    Case()
    html = signed_in("reviewer").get("/desk/").content.decode()
    shown = panels(html)
    assert shown["unassigned"] == 2 and shown["under_review"] == 1
    # A lead's deadline panels are the office's, not only their own cases.
    assert 'href="/desk/queue/?deadline=overdue"' in html
    assert 'href="/desk/queue/?assigned=nobody"' in html
    assert 'href="/desk/queue/?status=under_review"' in html


@pytest.mark.parametrize(("username", "expected"), [
    ("agent", {"overdue", "due_today", "at_risk"}),
    ("auditor", {"overdue", "due_today", "at_risk"}),
    ("quality", {"mine", "unassigned", "under_review", "overdue", "due_today", "at_risk",
                 "waiting", "answered", "recent"}),
])
def test_panels_follow_the_matrix(demo: None, username: str, expected: set[str]) -> None:
    assert set(panels(signed_in(username).get("/desk/").content.decode())) == expected


def test_the_panels_refresh_without_a_full_page(demo: None) -> None:
    client = signed_in("reviewer")
    html = client.get("/desk/").content.decode()
    assert 'hx-get="/desk/home/panels"' in html
    assert 'hx-trigger="every 60s, focus from:window"' in html
    Case()
    part = client.get("/desk/home/panels", HTTP_HX_REQUEST="true")
    assert part.status_code == 200
    body = part.content.decode()
    assert "<html" not in body and panels(body)["unassigned"] == 1


def test_opening_the_home_records_the_look_and_the_refresh_does_not(demo: None) -> None:
    client = signed_in("handler")
    client.get("/desk/")
    first = HomeLook.objects.get(user=user("handler"))
    assert first.previous_at is None
    client.get("/desk/home/panels")
    assert HomeLook.objects.get(user=user("handler")).current_at == first.current_at
    client.get("/desk/")
    second = HomeLook.objects.get(user=user("handler"))
    assert second.previous_at == first.current_at


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_query_counts_stay_flat_with_10_or_1000_cases(demo: None, monkeypatch: Any) -> None:
    from memnun.desk import views_queue

    # A queue page of 5: with 10 or 1,000 cases alike the dated cases fill it (the fair
    # queue asks for the undated ones only when they do not: one query fewer).
    monkeypatch.setattr(views_queue, "QUEUE_PAGE", 5)
    handler, reviewer = signed_in("handler"), signed_in("reviewer")
    for client in (handler, reviewer):
        client.get("/desk/")  # the first visit ever creates the user's "last look" row
    urls = ["/desk/", "/desk/home/panels", "/desk/queue/", "/desk/queue/?assigned=me",
            "/desk/queue/?deadline=overdue", "/desk/queue/?safety=hazard"]
    # (The queue filtered by "answered since I last looked" is left out: whether the fill's
    # answers fall after the last look depends on the clock, and with fewer than a page of
    # rows the fair queue asks once more for the undated ones, by design. The home's panel
    # for it is counted above, with every other panel.)

    def counts() -> list[int]:
        # Every case open, due, in İstanbul, the handler's and flagged: every list has rows.
        Feedback.objects.update(
            office=Office.objects.get(code="istanbul"), status="in_progress",
            assignee=user("handler"), next_due_at=F("received_at"), safety_hazard=True,
        )
        return [queries(client, url) for client in (handler, reviewer) for url in urls]

    feedback_fill(count=10, seed=1)
    small = counts()
    feedback_fill(count=990, seed=2)
    assert Feedback.objects.count() >= 1000
    assert counts() == small
