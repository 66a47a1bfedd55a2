"""Notifications inside the desk: each kind raised by the real action, to the right people
only; the header's counter (one flat query); the list; opening marks read; another's is 404."""

from __future__ import annotations

import re
from dataclasses import replace
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from memnun.feedback.desk_notice_models import DeskNotification
from memnun.feedback.services.assignment import feedback_assign
from memnun.feedback.services.breach_watch import breach_watch
from memnun.feedback.services.lifecycle import feedback_start
from memnun.feedback.services.questions import question_answer, question_ask
from memnun.feedback.tracking_access import tracking_link_token
from tests.casework import ASSESSMENT, Case, case_in, staff, user
from tests.desk.helpers import signed_in
from tests.feedback.cases import at, record
from tests.mailin.conftest import build_mail

pytestmark = pytest.mark.django_db


def notices(kind: str | None = None) -> list[tuple[str, str, str]]:
    rows = DeskNotification.objects.all()
    if kind:
        rows = rows.filter(kind=kind)
    return sorted(rows.values_list("user__username", "kind", "feedback__reference"))


def unread(username: str) -> int:
    return DeskNotification.objects.filter(user__username=username, read_at__isnull=True).count()


# --- Each kind, from the real action --------------------------------------------------


def test_assigning_a_case_tells_the_assignee_and_nobody_else(demo: None) -> None:
    case = Case().start(by="reviewer", assignee="handler")
    assert notices() == [("handler", "assigned", case.reference)]
    # Reassigned: the new assignee hears of it.
    staff("handler2", "handler")
    feedback_assign(actor=user("reviewer"), feedback=case.fresh(), assignee="handler2")
    assert notices("assigned") == sorted([
        ("handler", "assigned", case.reference), ("handler2", "assigned", case.reference)
    ])


def test_taking_a_case_oneself_raises_nothing(demo: None) -> None:
    Case().start(by="handler", assignee="handler")
    assert notices() == []


def test_a_proposal_asks_the_offices_reviewers_not_the_proposer(demo: None) -> None:
    staff("reviewer2", "reviewer")
    staff("reviewer_ankara", "reviewer", office="ankara")
    case = case_in("in_progress")
    DeskNotification.objects.all().delete()
    case.propose(by="handler")
    assert notices() == sorted([
        ("reviewer", "review_requested", case.reference),
        ("reviewer2", "review_requested", case.reference),
    ])


def test_a_reviewer_proposing_is_not_asked_to_review_their_own(demo: None) -> None:
    case = Case().start(by="reviewer", assignee="reviewer")
    case.propose(by="reviewer")
    assert notices("review_requested") == []


def test_the_customer_answering_on_the_tracking_page_tells_the_handler(demo: None) -> None:
    case = case_in("in_progress")
    question_ask(actor=user("handler"), feedback=case.fresh(), question="Fişiniz var mı?")
    customer = Client()
    customer.get(f"/track/{case.reference}/question",
                 {"t": tracking_link_token(feedback=case.feedback, purpose="question")})
    done = customer.post(f"/track/{case.reference}/question", {"answer": "Evet, ekledim."})
    assert done.status_code == 302
    assert notices("customer_answered") == [("handler", "customer_answered", case.reference)]


def test_staff_recording_the_answer_raise_no_notice(demo: None) -> None:
    case = case_in("in_progress")
    question_ask(actor=user("handler"), feedback=case.fresh(), question="Fişiniz var mı?")
    question_answer(feedback=case.fresh(), answer="Evet.", channel="phone",
                    recorded_by=user("handler"))
    assert notices("customer_answered") == []


def test_the_customer_answering_the_resolution_tells_the_handler(demo: None) -> None:
    case = case_in("resolved")
    case.answer(accept=False)
    assert notices("customer_answered") == [("handler", "customer_answered", case.reference)]


def test_an_e_mail_answer_and_an_unasked_e_mail_tell_the_handler_once_each(demo: None) -> None:
    case = case_in("in_progress")
    question_ask(actor=user("handler"), feedback=case.fresh(), question="Fişiniz var mı?")
    for text in ("Fişi ekliyorum.", "Bir şey daha: ekran yine kapandı."):
        raw = build_mail(subject=f"Re: [{case.reference}]", text=text)
        call_command("mailgate", stdin=BytesIO(raw), stdout=StringIO())
    # The first is the answer to the question, the second a message we did not ask for.
    assert notices("customer_answered") == [("handler", "customer_answered", case.reference)] * 2


def test_an_e_mail_to_a_case_nobody_holds_tells_the_offices_leads(demo: None) -> None:
    case = Case()
    raw = build_mail(subject=f"Re: [{case.reference}]", text="Ne zaman dönersiniz?")
    call_command("mailgate", stdin=BytesIO(raw), stdout=StringIO())
    assert notices() == [("reviewer", "customer_answered", case.reference)]


def test_the_breach_warning_goes_to_the_leads_while_nobody_holds_the_case(demo: None) -> None:
    case = record(channel="fax", received_at=at("2026-11-20 20:00"))
    breach_watch(now=at("2026-11-23 13:48"))
    assert notices() == [("reviewer", "deadline_at_risk", case.reference)]
    # Missing it later is the quality managers' e-mail alert, not another desk notice.
    breach_watch(now=at("2026-11-23 15:01"))
    assert notices() == [("reviewer", "deadline_at_risk", case.reference)]


def test_the_breach_warning_goes_to_the_handler_of_a_held_case(demo: None) -> None:
    case = record(channel="fax", received_at=at("2026-11-20 20:00"))
    feedback_start(actor=user("handler"), feedback=case, assessment=replace(ASSESSMENT),
                   assignee="handler", now=at("2026-11-23 10:00"))
    summary = breach_watch(now=at("2026-11-23 13:48"))
    assert summary.warned >= 1
    assert set(notices()) == {("handler", "deadline_at_risk", case.reference)}


# --- The counter, the list, opening, marking all read ---------------------------------


def _notices_for(username: str, count: int) -> None:
    case = Case()
    DeskNotification.objects.bulk_create(
        DeskNotification(user=user(username), kind="assigned", feedback=case.feedback,
                         created_at=timezone.now())
        for _ in range(count)
    )


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_counter_shows_the_unread_count_with_a_flat_query_count(demo: None) -> None:
    client = signed_in("handler")
    page = client.get("/desk/queue/").content.decode()
    assert 'aria-live="polite"' in page and "none unread" in page
    assert 'href="/desk/notifications/"' in page
    _notices_for("handler", 1)
    one = _queries(client, "/desk/notifications/count")
    assert "1 unread" in client.get("/desk/notifications/count").content.decode()
    _notices_for("handler", 40)
    assert _queries(client, "/desk/notifications/count") == one
    assert "41 unread" in client.get("/desk/notifications/count").content.decode()
    # Someone else's notifications are not counted.
    _notices_for("reviewer", 5)
    assert "41 unread" in client.get("/desk/queue/").content.decode()


def test_the_lists_query_count_stays_flat(demo: None) -> None:
    client = signed_in("handler")
    _notices_for("handler", 1)
    few = _queries(client, "/desk/notifications/")
    _notices_for("handler", 60)
    assert _queries(client, "/desk/notifications/") == few


def test_the_counter_signed_out_is_left_alone(demo: None) -> None:
    assert Client().get("/desk/notifications/count").status_code == 204


def test_the_counters_refresh_does_not_keep_an_idle_session_alive(demo: None) -> None:
    from memnun.accounts.sessions import LAST_SEEN_AT

    client = signed_in("handler")
    client.get("/desk/queue/")
    session = client.session
    session[LAST_SEEN_AT] = int(session[LAST_SEEN_AT]) - 600
    session.save()
    before = client.session[LAST_SEEN_AT]
    client.get("/desk/notifications/count", headers={"X-Memnun-Background": "1"})
    assert client.session[LAST_SEEN_AT] == before
    client.get("/desk/notifications/count")
    assert client.session[LAST_SEEN_AT] > before


def items(page: str) -> int:
    return len(re.findall(r'<li class="notice( unread)?">', page))


def test_the_list_is_newest_first_paginated_and_only_ones_own(demo: None) -> None:
    first = Case().start(by="reviewer", assignee="handler")
    second = Case().start(by="reviewer", assignee="handler")
    other = Case().start(by="handler", assignee="handler")
    other.propose(by="handler")  # the reviewer's
    page = signed_in("handler").get("/desk/notifications/").content.decode()
    assert page.index(second.reference) < page.index(first.reference)
    assert other.reference not in page
    assert page.count('class="notice unread"') == 2
    _notices_for("handler", 30)
    client = signed_in("handler")
    assert items(client.get("/desk/notifications/").content.decode()) == 25
    assert items(client.get("/desk/notifications/?page=2").content.decode()) == 7
    assert client.get("/desk/notifications/?page=x").status_code == 200


def test_opening_marks_read_and_goes_to_the_case(demo: None) -> None:
    case = Case().start(by="reviewer", assignee="handler")
    notice = DeskNotification.objects.get(user__username="handler")
    client = signed_in("handler")
    response = client.post(f"/desk/notifications/{notice.pk}/open")
    assert response.status_code == 302
    assert response["Location"] == f"/desk/feedback/{case.reference}"
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert "none unread" in client.get("/desk/notifications/count").content.decode()
    # Opening it again keeps the first reading's time.
    first = notice.read_at
    client.post(f"/desk/notifications/{notice.pk}/open")
    notice.refresh_from_db()
    assert notice.read_at == first


def test_another_persons_notification_is_404_and_stays_unread(demo: None) -> None:
    Case().start(by="reviewer", assignee="handler")
    notice = DeskNotification.objects.get(user__username="handler")
    response = signed_in("reviewer").post(f"/desk/notifications/{notice.pk}/open")
    assert response.status_code == 404
    assert signed_in("handler").post("/desk/notifications/999999/open").status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None
    # Opening is a POST: a GET changes nothing.
    assert signed_in("handler").get(f"/desk/notifications/{notice.pk}/open").status_code == 405


def test_mark_all_read_marks_only_ones_own(demo: None) -> None:
    _notices_for("handler", 3)
    _notices_for("reviewer", 2)
    client = signed_in("handler")
    response = client.post("/desk/notifications/read-all", follow=True)
    assert "3 notifications marked read." in response.content.decode()
    assert (unread("handler"), unread("reviewer")) == (0, 2)


def test_signed_out_the_list_asks_to_sign_in(demo: None) -> None:
    response = Client().get("/desk/notifications/")
    assert response.status_code == 302 and "/desk/login/" in response["Location"]
