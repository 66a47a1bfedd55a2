"""The breach register's pages (K11) in a real browser: axe finds nothing serious or
critical on the list, a new breach (empty and with its errors) and a breach with its
affected people, Board form and its refusal, in Turkish on a wide screen and English on
a phone."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tests.browser.conftest import axe_violations
from tests.browser.test_desk_journey import sign_in
from tests.dataprotection.breaches import breach, feedback_at


@pytest.mark.parametrize(("language", "width"), [("tr", 1280), ("en", 390)])
def test_the_breach_pages_pass_axe(
    live_server: Any, page_for: Any, demo: None, language: str, width: int
) -> None:
    now = timezone.now()
    feedback_at(now - timedelta(days=4), email="isil@example.com")
    feedback_at(now - timedelta(days=4), name="Ali Veli", phone="+905551112233")
    late = breach(aware_at=now - timedelta(hours=80), now=now - timedelta(hours=79),
                  window=(now - timedelta(days=7), now - timedelta(hours=80)))
    page = page_for(language=language, width=width)
    sign_in(page, live_server.url, "privacy")
    page.goto(f"{live_server.url}/desk/breaches/")
    assert page.locator("#breaches tbody tr").count() == 1
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/desk/breaches/{late.pk}")
    assert page.locator("#affected-people tbody tr").count() == 2
    # Usable on a phone: nothing (the navigation included) runs off the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert axe_violations(page) == []
    # The Board's notification after 72 hours without its reason: refused beside the field.
    page.locator("#id_board-notified_at").fill(
        timezone.localtime(now - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M")
    )
    page.locator("section[aria-labelledby=board-heading] button[type=submit]").click()
    page.wait_for_selector("#error-summary")
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/desk/breaches/new")
    assert axe_violations(page) == []
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector("#error-summary")
    assert axe_violations(page) == []
