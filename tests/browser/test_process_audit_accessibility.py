"""The process audit's plan page and conformance report in a real browser: axe finds
nothing serious or critical, in Turkish on a wide screen and English on a phone."""

from __future__ import annotations

from typing import Any

import pytest

from memnun.feedback.process_audit_models import AuditCheck
from memnun.feedback.services.process_audit import audit_check_confirm, audit_plan_finish
from tests.browser.conftest import axe_violations
from tests.browser.test_desk_journey import sign_in
from tests.casework import case_in, user
from tests.feedback.audits import plan_for


@pytest.mark.parametrize(("language", "width"), [("tr", 1280), ("en", 390)])
def test_the_audit_pages_pass_axe(
    live_server: Any, page_for: Any, demo: None, language: str, width: int
) -> None:
    case_in("closed")
    finished = plan_for()
    for check in AuditCheck.objects.filter(sample__plan=finished):
        audit_check_confirm(actor=user("auditor"), check=check, outcome=check.evaluated)
    audit_plan_finish(actor=user("auditor"), plan=finished)
    working = plan_for()
    page = page_for(language=language, width=width)
    sign_in(page, live_server.url, "auditor")
    page.goto(f"{live_server.url}/desk/audits/")
    assert page.locator("table.queue tbody tr").count() == 2
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/desk/audits/{working.pk}")
    assert page.locator("section.audit-case").count() == 1
    # Usable on a phone: nothing (the navigation included) runs off the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/desk/audits/report")
    assert page.locator("#conformance-offices tbody tr").count() == 1
    assert page.locator("figure.chart img").count() == 1
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/desk/audits/new")
    assert axe_violations(page) == []
    # The error states: a correction without its note, and an empty plan.
    page.goto(f"{live_server.url}/desk/audits/{working.pk}")
    form = page.locator("section.audit-case form").first
    form.locator("select").select_option("fail")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#error-summary")
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/desk/audits/new")
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector("#error-summary")
    assert axe_violations(page) == []
