"""The work filters (feedback/selectors/work_filters.py): each returns the right cases, in the
queue's fair order, through the selector and through the queue page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from memnun.feedback.errors import FieldErrors
from memnun.feedback.models import Assignment, Feedback
from memnun.feedback.selectors.queue import queue_page
from memnun.feedback.selectors.work_filters import filters_read
from memnun.feedback.services.desk_views import home_looked
from memnun.feedback.services.questions import question_answer, question_ask
from tests.casework import Case, case_in, user
from tests.desk.helpers import signed_in

pytestmark = pytest.mark.django_db


def shown(viewer: str, **params: str) -> list[str]:
    page = queue_page(user=user(viewer), work=filters_read(params), limit=50,
                      status=params.get("status", ""))
    return [f.reference for f in page.items]


@pytest.fixture
def cases(demo: None) -> dict[str, Case]:
    """Three open cases in İstanbul: two the handler holds, one nobody holds."""
    return {
        "working": case_in("in_progress"), "review": case_in("under_review"), "new": Case(),
    }


def test_assigned_me_nobody_and_recent(cases: dict[str, Case]) -> None:
    working, review, new = cases["working"], cases["review"], cases["new"]
    assert set(shown("handler", assigned="me")) == {working.reference, review.reference}
    assert shown("handler", assigned="nobody") == [new.reference]
    assert set(shown("handler", assigned="recent")) == {working.reference, review.reference}
    # Given to the handler ten days ago: no longer recent, still theirs.
    Assignment.objects.filter(feedback=review.feedback).update(
        at=timezone.now() - timedelta(days=10)
    )
    assert shown("handler", assigned="recent") == [working.reference]
    assert set(shown("handler", assigned="me")) == {working.reference, review.reference}
    # "me" is whoever asks: the reviewer holds none of them.
    assert shown("reviewer", assigned="me") == []


def test_deadline_filters_follow_the_deadline_states(cases: dict[str, Case]) -> None:
    now = timezone.now()
    working, review, new = cases["working"], cases["review"], cases["new"]
    Feedback.objects.filter(pk=working.feedback.pk).update(
        next_due_at=now - timedelta(hours=1), next_warn_at=now - timedelta(hours=3))
    Feedback.objects.filter(pk=review.feedback.pk).update(
        next_due_at=now + timedelta(days=3), next_warn_at=now - timedelta(minutes=5))
    Feedback.objects.filter(pk=new.feedback.pk).update(
        next_due_at=now + timedelta(minutes=2), next_warn_at=now + timedelta(minutes=1))
    assert shown("reviewer", deadline="overdue") == [working.reference]
    # At risk: the warning has come, the due instant not yet (the new case's warning has not).
    assert shown("reviewer", deadline="at_risk") == [review.reference]
    # Due later today (two minutes from now, unless the day ends first).
    midnight = (timezone.localtime(now) + timedelta(days=1)).replace(hour=0, minute=0, second=0)
    expected = [new.reference] if now + timedelta(minutes=2) < midnight else []
    assert shown("reviewer", deadline="due_today") == expected
    # Combined with "mine": the handler's overdue cases only.
    assert shown("handler", deadline="overdue", assigned="me") == [working.reference]


def test_waiting_for_the_customer_and_answered_since_the_last_look(
    cases: dict[str, Case],
) -> None:
    working = cases["working"]
    handler = user("handler")
    question_ask(actor=handler, feedback=working.fresh(), question="Faturanızı gönderir misiniz?")
    assert shown("handler", waiting="customer") == [working.reference]
    start = timezone.now()
    home_looked(actor=handler, now=start - timedelta(minutes=2))
    home_looked(actor=handler, now=start - timedelta(minutes=1))
    assert shown("handler", answered="since_last_look") == []
    question_answer(feedback=working.fresh(), answer="Gönderdim.", channel="web")
    assert shown("handler", waiting="customer") == []
    # Answered after the previous visit: listed, and still listed during the next visit.
    assert shown("handler", answered="since_last_look") == [working.reference]
    home_looked(actor=handler, now=start + timedelta(minutes=1))
    assert shown("handler", answered="since_last_look") == [working.reference]
    # Two visits later the answer is older than "the last look".
    home_looked(actor=handler, now=start + timedelta(minutes=2))
    assert shown("handler", answered="since_last_look") == []


def test_a_resolution_answered_counts_as_answered(demo: None) -> None:
    home_looked(actor=user("handler"), now=timezone.now() - timedelta(minutes=1))
    case = case_in("resolved").answer(accept=False)
    assert case.reference in shown("handler", answered="since_last_look")


def test_safety_and_repeat_flags(cases: dict[str, Case]) -> None:
    Feedback.objects.filter(pk=cases["new"].feedback.pk).update(safety_hazard=True)
    # Same customer thrice: intake marked the later ones repeats; keep one marked.
    Feedback.objects.update(is_repeat=False)
    Feedback.objects.filter(pk=cases["review"].feedback.pk).update(is_repeat=True)
    assert shown("agent", safety="hazard") == [cases["new"].reference]
    assert shown("agent", repeat="yes") == [cases["review"].reference]


def test_the_fair_order_stays_with_a_filter(demo: None) -> None:
    now = timezone.now()
    made = [Case() for _ in range(3)]
    for hours, case in zip((3, 1, 2), made, strict=True):
        Feedback.objects.filter(pk=case.feedback.pk).update(
            next_due_at=now - timedelta(hours=hours))
    # Earliest deadline first, whatever order they were made in.
    assert shown("agent", deadline="overdue") == [made[0].reference, made[2].reference,
                                                   made[1].reference]


def test_an_unknown_value_is_named(demo: None) -> None:
    with pytest.raises(FieldErrors) as refused:
        filters_read({"assigned": "everyone", "deadline": "overdue", "waiting": "x"})
    assert set(refused.value.fields) == {"assigned", "waiting"}
    assert filters_read({"deadline": "overdue", "assigned": "me", "cursor": "zz"}).query() == (
        "assigned=me&deadline=overdue"
    )


def test_the_queue_page_applies_the_filters(cases: dict[str, Case]) -> None:
    client = signed_in("handler")
    html = client.get("/desk/queue/?assigned=nobody").content.decode()
    assert re.findall(r'href="/desk/feedback/([^"?]+)[^"]*"', html) == [cases["new"].reference]
    # The filter form shows the choice.
    assert '<option value="nobody" selected>' in html
    # A hand-edited value: back to the whole queue, never a 500.
    bad = client.get("/desk/queue/?assigned=everyone")
    assert bad.status_code == 302 and bad["Location"] == "/desk/queue/"


def test_a_search_stays_inside_the_work_filters(cases: dict[str, Case]) -> None:
    # The three cases share the customer's surname: searched from the whole queue, all
    # three; searched from "nobody holds it", only that one.
    surname = cases["new"].feedback.customer.name.split()[-1]
    client = signed_in("handler")
    def found(query: str) -> set[str]:
        html = client.get(f"/desk/queue/?q={surname}{query}").content.decode()
        return set(re.findall(r'href="/desk/feedback/([^"?]+)[^"]*"', html))
    everyone = found("")
    assert {c.reference for c in cases.values()} <= everyone
    assert found("&assigned=nobody") == {cases["new"].reference}
    assert cases["new"].reference not in found("&assigned=me")


def test_the_export_is_offered_only_for_what_it_covers(cases: dict[str, Case]) -> None:
    client = signed_in("reviewer")
    assert 'id="exports-heading"' in client.get("/desk/queue/?status=created").content.decode()
    # The case list export knows the case's own filters only: not offered for a work filter,
    # where it would list more cases than the page shows.
    assert 'id="exports-heading"' not in client.get("/desk/queue/?assigned=nobody").content.decode()
