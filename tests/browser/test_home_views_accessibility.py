"""The desk's home and the queue with a view in a real browser: axe finds nothing serious
or critical, in Turkish on a wide screen and English on a phone, nothing runs off a phone's
screen, the panels refresh in place, and a view is saved, shown and refused with a message."""

from __future__ import annotations

from typing import Any

import pytest

from memnun.feedback.models import Feedback
from memnun.feedback.services.desk_views import saved_view_create
from tests.browser.conftest import axe_violations
from tests.browser.test_desk_journey import sign_in
from tests.casework import Case, case_in, user


@pytest.mark.parametrize(("language", "width"), [("tr", 1280), ("en", 390)])
def test_home_and_views_pass_axe(
    live_server: Any, page_for: Any, demo: None, language: str, width: int,
) -> None:
    flagged = case_in("in_progress")
    Feedback.objects.filter(pk=flagged.feedback.pk).update(safety_hazard=True)
    Case()
    saved_view_create(actor=user("reviewer"), name="Acil işler",
                      filters={"safety": "hazard", "status": "in_progress"})
    page = page_for(language=language, width=width)
    sign_in(page, live_server.url, "reviewer")

    page.goto(f"{live_server.url}/desk/")
    assert page.locator("section.panel").count() >= 5
    assert page.locator("#panel-unassigned [data-count]").get_attribute("data-count") == "1"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert axe_violations(page) == []
    # A new case, then the window regains focus: the panel counts it without a reload.
    Case()
    with page.expect_response(lambda r: "/desk/home/panels" in r.url):
        page.evaluate("window.dispatchEvent(new Event('focus'))")
    # A function, not a bare expression: Playwright evaluates a bare expression with eval,
    # which our policy (script-src 'self') refuses once the first check comes back false.
    page.wait_for_function(
        "() => document.querySelector('#panel-unassigned [data-count]').dataset.count === '2'"
    )
    assert axe_violations(page) == []

    # The saved view beside the queue, shown.
    page.goto(f"{live_server.url}/desk/queue/")
    page.locator("nav.views a", has_text="Acil işler").click()
    page.wait_for_url("**/desk/queue/?status=in_progress&safety=hazard")
    assert page.locator("nav.views a[aria-current=page]").inner_text() == "Acil işler"
    assert page.locator("table.queue tbody tr").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert axe_violations(page) == []
    # Saving it again under an empty name: the message, not a half-saved view.
    page.locator("form.save-view button[type=submit]").click()
    page.wait_for_selector("#error-summary")
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/desk/views/")
    assert page.locator(".saved-views li").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert axe_violations(page) == []
