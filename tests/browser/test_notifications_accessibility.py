"""The desk's notifications in a real browser: the header's counter, the list with unread
ones marked, opening one (it goes to the case and the counter drops), marking all read;
axe finds nothing serious or critical, in Turkish on a wide screen and English on a phone,
where nothing runs off the screen."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import axe_violations
from tests.browser.test_desk_journey import sign_in
from tests.casework import Case


@pytest.mark.parametrize(("language", "width"), [("tr", 1280), ("en", 390)])
def test_the_notifications_list_passes_axe_and_opens_the_case(
    live_server: Any, page_for: Any, demo: None, language: str, width: int
) -> None:
    first = Case().start(by="reviewer", assignee="handler")
    Case().start(by="reviewer", assignee="handler")
    page = page_for(language=language, width=width)
    sign_in(page, live_server.url, "handler")
    counter = page.locator("#notice-count")
    assert counter.get_attribute("aria-live") == "polite"
    assert "2" in counter.inner_text()
    page.locator(".notice-counter a").click()
    page.wait_for_url(re.compile(r"/desk/notifications/$"))
    assert page.locator("#notices li.notice.unread").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert axe_violations(page) == []

    # The older one (last in the list) opens its case and is read from then on.
    page.locator("#notices li.notice button").last.click()
    page.wait_for_url(re.compile(rf"/desk/feedback/{first.reference}$"))
    assert "1" in page.locator("#notice-count").inner_text()
    page.goto(f"{live_server.url}/desk/notifications/")
    assert page.locator("#notices li.notice.unread").count() == 1
    page.locator("form[action$='read-all'] button").click()
    page.wait_for_url(re.compile(r"/desk/notifications/$"))
    assert page.locator("#notices li.notice.unread").count() == 0
    assert axe_violations(page) == []
