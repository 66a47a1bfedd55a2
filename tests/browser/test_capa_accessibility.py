"""The CAPA register and a CAPA's page in a real browser: axe finds nothing serious."""

from __future__ import annotations

from typing import Any

import pytest

from memnun.feedback.capa_codes import CriterionKind
from tests.browser.conftest import axe_violations
from tests.browser.test_desk_journey import sign_in
from tests.feedback.capas import acted, new_capa


@pytest.mark.parametrize(("language", "width"), [("tr", 1280), ("en", 390)])
def test_the_capa_pages_pass_axe(
    live_server: Any, page_for: Any, demo: None, language: str, width: int
) -> None:
    capa = acted(new_capa(criterion_kind=CriterionKind.WEEKLY_VOLUME, criterion_weeks=2,
                          criterion_level=1))
    page = page_for(language=language, width=width)
    sign_in(page, live_server.url, "quality")
    page.goto(f"{live_server.url}/desk/capa/")
    assert page.locator("table.queue tbody tr").count() == 1
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/desk/capa/{capa.number}")
    assert page.locator("#criterion-state").count() == 1
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/desk/capa/new")
    assert axe_violations(page) == []
    # The error states.
    page.goto(f"{live_server.url}/desk/capa/{capa.number}")
    page.locator("#capa-check button[type=submit]").click()
    page.wait_for_selector("#error-summary")
    assert axe_violations(page) == []
    # With script a step answers in place (htmx): the page is not loaded again.
    page.evaluate("window.notReloaded = true")
    page.fill("#id_action-description", "Talimat yaz.")
    page.select_option("#id_action-owner", "handler")
    page.fill("#id_action-due_on", "2026-12-30")
    page.locator("#capa-action button[type=submit]").click()
    page.wait_for_selector("#capa .flash")
    assert page.evaluate("window.notReloaded") is True
    assert page.locator("#capa").get_by_text("Talimat yaz.").count() == 1
    assert axe_violations(page) == []
