"""The escalation ladder's pages in a real browser: the escalated-cases report, the
consistency report and a case at level 3 (its notice, the escalate and referral forms);
axe finds nothing serious or critical, in Turkish on a wide screen and English on a phone,
and nothing runs off a phone's screen."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from memnun.feedback.services.escalation import feedback_escalate
from tests.browser.conftest import axe_violations
from tests.browser.test_desk_journey import sign_in
from tests.casework import case_in, user
from tests.desk.test_desk_escalation_reports import _closed
from tests.feedback.test_escalation import escalated_to


@pytest.mark.parametrize(("language", "width"), [("tr", 1280), ("en", 390)])
def test_the_escalation_pages_pass_axe(
    live_server: Any, page_for: Any, demo: None, language: str, width: int
) -> None:
    level_3 = escalated_to(3)
    feedback_escalate(actor=user("reviewer"), feedback=case_in("in_progress").fresh(),
                      reason="Basın ilgileniyor.")
    _closed(compensation="100")
    _closed(exhausted=True)
    today = timezone.localdate().isoformat()
    period = f"?period=custom&start={today}&end={today}"
    page = page_for(language=language, width=width)
    sign_in(page, live_server.url, "reviewer")

    page.goto(f"{live_server.url}/desk/reports/escalations/{period}")
    assert page.locator("#escalated tbody tr").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert axe_violations(page) == []

    page.goto(f"{live_server.url}/desk/reports/consistency/{period}")
    assert page.locator("section.group").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert axe_violations(page) == []
    # The error state: a check without its comment.
    page.locator("section.group form button[type=submit]").click()
    page.wait_for_selector("section.group .error")
    assert axe_violations(page) == []

    page.goto(f"{live_server.url}/desk/feedback/{level_3.reference}")
    assert page.locator("#ladder-refusal").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert axe_violations(page) == []
    # The group's forms are drawn when it is first opened.
    page.locator("#group-move > summary").click()
    page.wait_for_selector("#action-escalate")
    assert page.locator("#action-escalate").count() == 1
    assert axe_violations(page) == []
    page.locator("#action-escalate button[type=submit]").click()
    page.wait_for_selector("#error-summary")
    assert axe_violations(page) == []
