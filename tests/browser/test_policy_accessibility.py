"""axe finds no serious or critical problem on the policy and competence pages: the
acknowledgement asked at login, the policy report, the capacity report (and the pages
that keep the policy and the trainings)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from tests.browser.conftest import axe_violations
from tests.conftest import PASSWORD


@pytest.mark.parametrize(("language", "width"), [("tr", 1280), ("en", 390)])
def test_policy_and_competence_pages_pass_axe(
    live_server: Any, page_for: Any, demo: None, language: str, width: int
) -> None:
    from memnun.feedback.services.policy import AppointmentInput, representative_appoint
    from tests.casework import Case, user
    from tests.feedback.policies import published

    published()
    representative_appoint(actor=user("manager"), data=AppointmentInput(
        username="quality", starts_on=date(2026, 1, 1),
        ends_on=None, text="Şikâyet yönetim sisteminden sorumlu yönetim temsilcisi.",
    ))
    Case()
    base = live_server.url
    page = page_for(language=language, width=width)
    page.goto(f"{base}/desk/login/")
    page.locator("#id_username").fill("quality")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.login button[type=submit]").click()
    page.wait_for_url(re.compile(r"/desk/policy/acknowledge/"))
    checked = {"acknowledgement": axe_violations(page)}
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/desk/$"))
    for path in (
        "/desk/policy/report/", "/desk/competence/capacity/", "/desk/policy/",
        "/desk/competence/training/", "/desk/policy/acknowledge/",
    ):
        page.goto(f"{base}{path}")
        assert page.locator("h1").count() == 1, path
        checked[path] = axe_violations(page)
    page.goto(f"{base}/desk/competence/training/")
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_selector("#error-summary")
    checked["training form with errors"] = axe_violations(page)
    page.goto(f"{base}/policy/")
    checked["portal policy"] = axe_violations(page)
    assert {name: v for name, v in checked.items() if v} == {}
