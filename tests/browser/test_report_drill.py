"""The dashboard in a real browser: a figure clicked lands on exactly its cases; filters refresh
the figures in place; axe finds nothing serious on the dashboard or the list, wide or on a phone."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations
from tests.browser.test_desk_journey import sign_in
from tests.reports.known_cases import FROM, TO, week

DASHBOARD = f"/desk/reports/?period=custom&start={FROM}&end={TO}"


def _listed(page: Any) -> set[str]:
    return set(page.locator("table.queue tbody th a").all_inner_texts())


def test_a_figure_clicked_lists_exactly_its_cases(
    live_server: Any, page_for: Any, demo: None
) -> None:
    w = week()
    page = page_for(language="en")
    sign_in(page, live_server.url, "quality")
    page.goto(f"{live_server.url}{DASHBOARD}")
    late = page.locator("#acknowledgement-figures tr", has_text="Acknowledged late")
    assert late.locator("td").inner_text() == "1"
    late.locator("a").click()
    page.wait_for_url(re.compile(r"/desk/reports/cases/\?metric=acknowledgement\.late"))
    assert page.locator("h1").inner_text() == "Acknowledged late"
    assert "21.04.2025" in page.locator("#drill-period").inner_text()
    assert _listed(page) == {w.b.reference}

    page.go_back()
    page.locator("#received-by-channel tr", has_text="Fax").locator("a").click()
    page.wait_for_url(re.compile(r"metric=received\.by_channel&key=fax"))
    assert page.locator("h1").inner_text() == "Received by channel: Fax"
    assert _listed(page) == {w.a.reference, w.b.reference, w.h.reference}
    # The list's case opens the case.
    page.locator("table.queue tbody th a", has_text=w.h.reference).click()
    page.wait_for_url(re.compile(rf"/desk/feedback/{w.h.reference}$"))


def test_a_filter_changed_refreshes_the_figures_in_place(
    live_server: Any, page_for: Any, demo: None
) -> None:
    week()
    page = page_for(language="en")
    sign_in(page, live_server.url, "quality")
    page.goto(f"{live_server.url}{DASHBOARD}")
    assert page.locator("#received-total").inner_text() == "7"
    page.evaluate("document.body.dataset.loaded = 'once'")  # gone if the page reloads
    page.locator("#id_brand").select_option("samsung")
    expect(page.locator("#received-total")).to_have_text("3")
    assert page.evaluate("document.body.dataset.loaded") == "once"
    assert "brand=samsung" in page.url  # kept in the address: a link to this view
    page.reload()
    assert page.locator("#received-total").inner_text() == "3"


@pytest.mark.parametrize("language", ["tr", "en"])
@pytest.mark.parametrize("width", [1280, 360])
def test_dashboard_and_list_pass_axe(
    live_server: Any, page_for: Any, demo: None, width: int, language: str
) -> None:
    week()
    page = page_for(width=width, language=language)
    blocked: list[str] = []
    page.on("console", lambda message: blocked.append(message.text)
            if "Content Security Policy" in message.text else None)
    sign_in(page, live_server.url, "quality")
    page.goto(f"{live_server.url}{DASHBOARD}")
    assert axe_violations(page) == []
    # Nothing wider than the screen: the charts shrink, the tables fit.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.goto(f"{live_server.url}/desk/reports/cases/?metric=received.by_channel&key=fax"
              f"&from={FROM}&to={TO}")
    assert page.locator("table.queue tbody tr").count() == 3
    assert axe_violations(page) == []
    assert blocked == []
