"""The data subjects' requests in a real browser (K6, K8): the register, the new-request
form with its errors, and one request with its actions: axe finds nothing serious, in
Turkish on a wide screen and English on a phone."""

from __future__ import annotations

from typing import Any

import pytest

from memnun.dataprotection.services.subject_requests import request_record
from memnun.feedback.services.intake import CustomerInput
from tests.browser.conftest import axe_violations
from tests.browser.test_desk_journey import sign_in
from tests.casework import user
from tests.feedback.cases import record


@pytest.mark.parametrize(("language", "width"), [("tr", 1280), ("en", 390)])
def test_the_subject_request_pages_pass_axe(
    live_server: Any, page_for: Any, demo: None, language: str, width: int
) -> None:
    record(customer=CustomerInput(name="Ayşe Yılmaz", email="ayse@example.org"))
    row = request_record(actor=user("privacy"), right="erasure", email="ayse@example.org",
                         phone="", identity_check="Kimlik kartı görüldü.")
    page = page_for(language=language, width=width)
    sign_in(page, live_server.url, "privacy")
    page.goto(f"{live_server.url}/desk/privacy/requests/")
    assert page.locator("#subject-requests tbody tr").count() == 1
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/desk/privacy/requests/new")
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#error-summary").count() == 1
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/desk/privacy/requests/{row.pk}")
    assert page.locator("#request-cases tbody tr").count() == 1
    assert axe_violations(page) == []
    page.locator("form[action$='/do/erase'] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#error-summary").count() == 1
    assert axe_violations(page) == []
