"""The desk records a customer's return after the reopening window as new, linked feedback."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import F

from memnun.feedback.codes import LinkKind, Status
from memnun.feedback.models import Feedback, FeedbackLink
from tests.casework import Case, case_in, user
from tests.desk.helpers import all_groups_opened, forms_on, signed_in

pytestmark = pytest.mark.django_db
FORM = {"follow-up-channel": "phone", "follow-up-description": "Aynı arıza yeniden başladı."}


def _window_passed(case: Case) -> None:
    # Closed 31 days ago: past the default 30-day reopening window.
    Feedback.objects.filter(pk=case.feedback.pk).update(
        closed_at=F("closed_at") - timedelta(days=31)
    )


def test_within_the_window_the_desk_offers_reopening_not_a_follow_up(demo: None) -> None:
    case = case_in("closed")
    client = signed_in("agent")
    offered = forms_on(all_groups_opened(client, f"/desk/feedback/{case.reference}"))
    assert "reopen" in offered and "follow-up" not in offered

    response = client.post(f"/desk/feedback/{case.reference}/do/follow-up", FORM)
    assert response.status_code == 409
    assert "reopen it instead" in response.content.decode()
    assert Feedback.objects.count() == 1 and not FeedbackLink.objects.exists()


def test_after_the_window_a_follow_up_is_new_feedback_linked_both_ways(demo: None) -> None:
    case = case_in("closed")
    _window_passed(case)
    client = signed_in("agent")
    offered = forms_on(all_groups_opened(client, f"/desk/feedback/{case.reference}"))
    assert "follow-up" in offered and "reopen" not in offered

    response = client.post(f"/desk/feedback/{case.reference}/do/follow-up", FORM)
    assert response.status_code == 302
    new = Feedback.objects.exclude(pk=case.feedback.pk).get()
    assert response["Location"] == f"/desk/intake/receipt/{new.reference}/"
    receipt = client.get(response["Location"]).content.decode()
    assert 'id="tracking-code"' in receipt and new.reference in receipt

    assert new.status == Status.CREATED and new.channel == "phone"
    assert new.description == "Aynı arıza yeniden başladı."
    assert (new.customer.email, new.subject) == ("isil@example.com", case.feedback.subject)
    assert new.recorded_by == user("agent")
    link = FeedbackLink.objects.get()
    assert (link.from_feedback, link.to_feedback, link.kind) == (
        case.feedback, new, LinkKind.REOPENED_AS
    )
    old = case.fresh()
    assert old.status == Status.CLOSED

    old_page = all_groups_opened(client, f"/desk/feedback/{case.reference}")
    assert f'href="/desk/feedback/{new.reference}"' in old_page and "Followed up as" in old_page
    new_page = all_groups_opened(client, f"/desk/feedback/{new.reference}")
    assert f'href="/desk/feedback/{case.reference}"' in new_page and "Follow-up of" in new_page


def test_an_open_case_offers_no_follow_up(demo: None) -> None:
    client = signed_in("reviewer")
    open_case = case_in("resolved")
    assert "follow-up" not in forms_on(
        all_groups_opened(client, f"/desk/feedback/{open_case.reference}")
    )
    response = client.post(f"/desk/feedback/{open_case.reference}/do/follow-up", FORM)
    assert response.status_code == 409


@pytest.mark.parametrize("username", ["auditor", "admin"])
def test_roles_that_may_not_follow_up_are_refused(demo: None, username: str) -> None:
    case = case_in("closed")
    _window_passed(case)
    client = signed_in(username)
    assert "follow-up" not in forms_on(
        all_groups_opened(client, f"/desk/feedback/{case.reference}")
    )
    response = client.post(f"/desk/feedback/{case.reference}/do/follow-up", FORM)
    assert response.status_code == 403
    assert Feedback.objects.count() == 1
