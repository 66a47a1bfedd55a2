"""The objectives page in a real browser: axe finds nothing serious, on a desktop and a phone,
the charts load under the page's CSP, and the approve button works."""

from __future__ import annotations

from typing import Any

import pytest

from memnun.feedback.objectives_models import Objective, ObjectiveStatus
from tests.browser.conftest import axe_violations
from tests.browser.test_desk_journey import sign_in
from tests.feedback.cases import record
from tests.reports.objectives_helpers import objective


@pytest.mark.parametrize("width", [1280, 390])
def test_the_objectives_page_passes_axe(
    live_server: Any, page_for: Any, demo: None, width: int
) -> None:
    record(channel="phone")
    objective("acknowledgement.on_time", "1")
    objective("satisfaction.mean", "4.2", office="istanbul")
    draft = objective("resolution_business_hours.median", "16", "at_most", approved=False)
    page = page_for(width=width)
    blocked: list[str] = []
    page.on("console", lambda message: blocked.append(message.text)
            if "Content Security Policy" in message.text else None)
    sign_in(page, live_server.url, "manager")
    page.goto(f"{live_server.url}/desk/reports/objectives/")
    assert page.locator("img[src^='data:image/svg+xml']").count() == 2
    assert axe_violations(page) == []
    page.locator(f"form[action$='/objectives/{draft.pk}/approve'] button").click()
    page.wait_for_selector(".flash")
    assert Objective.objects.get(pk=draft.pk).status == ObjectiveStatus.APPROVED
    assert page.locator("img[src^='data:image/svg+xml']").count() == 3
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/desk/reports/objectives/new/")
    assert axe_violations(page) == []
    page.locator("#id_target").fill("many")
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_selector("#error-summary")
    assert axe_violations(page) == []
    if width == 390:
        page.goto(f"{live_server.url}/desk/reports/objectives/")
        page.screenshot(path="/tmp/objectives-phone.png", full_page=True)
    assert blocked == []
