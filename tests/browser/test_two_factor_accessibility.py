"""Two-factor in a real browser, in Turkish at desktop width and English at a phone's:
enrolment with its QR code, a wrong code, the recovery codes, the API tokens, and the code
after the next sign-in; axe finds no serious or critical problem on any of these pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from memnun.accounts.models import User
from memnun.accounts.tokens import token_issue
from tests.browser.conftest import axe_violations
from tests.conftest import PASSWORD
from tests.twofactor import app_code, wrong_code


def _password(page: Any, base: str) -> None:
    page.goto(f"{base}/desk/login/")
    page.locator("#id_username").fill("quality")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.login button[type=submit]").click()


@override_settings(MEMNUN_TWO_FACTOR_WAIVED=False)
@pytest.mark.parametrize(("language", "width"), [("tr", 1280), ("en", 390)])
def test_two_factor_pages_pass_axe(
    live_server: Any, page_for: Any, demo: None, language: str, width: int
) -> None:
    base = live_server.url
    page = page_for(language=language, width=width)
    _password(page, base)
    page.wait_for_url(re.compile(r"/desk/two-factor/\?next="))
    assert page.locator("figure.qr svg").count() == 1
    checked = {"enrolment": axe_violations(page)}
    device = TOTPDevice.objects.get(user__username="quality", confirmed=False)

    page.locator("#id_enrol-code").fill(wrong_code(device))
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_selector("#error-summary")
    checked["enrolment with a wrong code"] = axe_violations(page)

    device.refresh_from_db()
    device.throttle_reset()
    page.locator("#id_enrol-code").fill(app_code(device))
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_selector("#recovery-codes")
    assert page.locator("#recovery-codes li").count() == 10
    checked["recovery codes"] = axe_violations(page)
    page.locator("main a").last.click()
    page.wait_for_url(re.compile(r"/desk/$"))

    token_issue(user=User.objects.get(username="quality"))
    for path in ("/desk/api-tokens/", "/desk/two-factor/"):
        page.goto(f"{base}{path}")
        assert page.locator("h1").count() == 1, path
        checked[path] = axe_violations(page)

    page.context.clear_cookies()
    _password(page, base)
    page.wait_for_url(re.compile(r"/desk/two-factor/verify/"))
    checked["verify"] = axe_violations(page)
    device.refresh_from_db()
    page.locator("#id_verify-code").fill(app_code(device, steps_ahead=1))
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_url(re.compile(r"/desk/$"))
    assert {name: v for name, v in checked.items() if v} == {}
