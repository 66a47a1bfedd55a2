"""The escalation ladder on the desk: who is offered the decision, the refusal said plainly,
the escalate and referral forms, the timeline."""

from __future__ import annotations

import pytest

from memnun.feedback.models import Escalation
from tests.casework import case_in
from tests.desk.helpers import all_groups_opened, forms_on, signed_in
from tests.desk.test_desk_actions import do
from tests.feedback.test_escalation import escalated_to

pytestmark = pytest.mark.django_db


def test_a_reviewer_is_told_why_a_level_3_case_is_not_theirs_to_decide(demo: None) -> None:
    case = escalated_to(3)
    reviewer = signed_in("reviewer")
    page = all_groups_opened(reviewer, f"/desk/feedback/{case.reference}")
    assert not {"approve", "send-back"} & forms_on(page)
    assert 'id="ladder-refusal"' in page and "escalation level 3" in page
    assert 'id="escalation-level">3 · Quality manager' in page

    status, html, _ = do(reviewer, case, "approve", note="")
    assert status == 403 and case.fresh().status == "under_review"
    assert 'id="conflict"' in html and "escalation level 3" in html

    quality = signed_in("quality")
    assert "approve" in forms_on(all_groups_opened(quality, f"/desk/feedback/{case.reference}"))
    status, html, _ = do(quality, case, "approve", note="")
    assert status == 302 and case.fresh().status == "resolved"


def test_escalate_needs_a_reason_and_shows_on_the_timeline(demo: None) -> None:
    case = case_in("in_progress")
    reviewer = signed_in("reviewer")
    assert "escalate" not in forms_on(
        all_groups_opened(signed_in("handler"), f"/desk/feedback/{case.reference}")
    )
    status, html, _ = do(reviewer, case, "escalate", reason="")
    assert status == 422 and 'href="#id_escalate-reason"' in html
    status, html, _ = do(reviewer, case, "escalate", reason="Müşteri basına gitmek istiyor.")
    assert status == 302 and "The case is escalated to level 1." in html
    assert "Escalated to level 1: Complaints handler" in html
    assert "Escalated by staff" in html
    assert case.fresh().escalation_level == 1


def test_a_referral_to_the_arbitration_committee_from_a_closed_case(demo: None) -> None:
    case = case_in("closed")
    quality = signed_in("quality")
    assert "refer-external" in forms_on(
        all_groups_opened(quality, f"/desk/feedback/{case.reference}")
    )
    status, html, _ = do(
        quality, case, "refer-external", body="arbitration_board", referred_on="2026-03-02",
        note="",
    )
    assert status == 302, html
    assert "Escalated to level 5: External recourse" in html
    assert "Consumer arbitration committee · 02.03.2026" in html
    fresh = case.fresh()
    assert (fresh.status, fresh.escalation_level) == ("closed", 5)
    assert Escalation.objects.get(feedback=fresh).by.username == "quality"


def test_the_case_page_in_turkish(demo: None) -> None:
    case = escalated_to(3)
    client = signed_in("reviewer")
    page = client.get(f"/desk/feedback/{case.reference}", HTTP_ACCEPT_LANGUAGE="tr")
    assert page.status_code == 200 and 'id="ladder-refusal"' in page.content.decode()
