"""Bulk-assigning two cases from the queue in a real browser: in place, axe clean."""

from __future__ import annotations

from typing import Any

import pytest

from memnun.accounts.roles import Role
from tests.browser.conftest import axe_violations, focus_awaited
from tests.browser.test_desk_journey import sign_in
from tests.casework import Case, staff, user


@pytest.mark.parametrize(("language", "width"), [("tr", 1280), ("en", 390)])
def test_a_reviewer_selects_two_rows_and_assigns_them(
    live_server: Any, page_for: Any, demo: None, language: str, width: int
) -> None:
    staff("handler2", Role.HANDLER)
    first, second, untouched = Case().start(), Case().start(), Case().start()
    page = page_for(language=language, width=width)
    sign_in(page, live_server.url, "reviewer")
    page.goto(f"{live_server.url}/desk/queue/")  # sign-in lands on the home
    assert axe_violations(page) == []
    # Only the chosen action's field is shown (script); the rest stay out of the way.
    assert page.locator("#bulk-assignee").is_hidden()
    page.evaluate("window.notReloaded = true")
    for case in (first, second):
        box = page.locator(f'input[name="case"][value="{case.reference}"]')
        box.focus()
        page.keyboard.press("Space")  # reachable and usable from the keyboard
        assert box.is_checked()
    page.select_option("#bulk-action", "assign")
    page.select_option("#bulk-assignee", "handler2")
    page.locator("#bulk button[type=submit]").click()
    page.wait_for_selector("#bulk-result .bulk-done")
    assert page.evaluate("window.notReloaded") is True
    assert focus_awaited(page, "bulk-result")["id"] == "bulk-result"
    for case in (first, second):
        assert case.fresh().assignee == user("handler2")
    assert untouched.fresh().assignee == user("handler")
    assert axe_violations(page) == []
    # Select all on this page ticks every row; nothing selected is said, nothing changed.
    page.locator("#bulk-all").check()
    assert page.locator('input[name="case"]:checked').count() == 3
    page.locator("#bulk-all").uncheck()
    page.locator('input[name="case"]').nth(0).uncheck()
    page.locator('input[name="case"]').nth(1).uncheck()
    page.locator('input[name="case"]').nth(2).uncheck()
    page.locator("#bulk button[type=submit]").click()
    page.wait_for_selector("#bulk-result .error-summary")
    assert axe_violations(page) == []
