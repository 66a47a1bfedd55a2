"""The KVKK pages of the desk in a real browser: the intake's privacy notice (phone script,
written channels), the case's personal-data section with its consent and disclosure forms
(and a refused disclosure), and the privacy contact's recipient tasks: axe finds nothing
serious, in Turkish on a wide screen and English on a phone."""

from __future__ import annotations

from typing import Any

import pytest

from memnun.feedback.models import Feedback
from memnun.feedback.privacy_codes import RecipientNoticeReason
from memnun.feedback.services.consents import consents_staff_set
from memnun.feedback.services.disclosures import disclosure_record, recipients_notify
from tests.browser.conftest import axe_violations
from tests.browser.test_desk_journey import sign_in
from tests.casework import Case, user


@pytest.mark.parametrize(("language", "width"), [("tr", 1280), ("en", 390)])
def test_the_privacy_pages_pass_axe(
    live_server: Any, page_for: Any, demo: None, language: str, width: int
) -> None:
    shared = Case()
    consents_staff_set(actor=user("agent"), feedback=shared.feedback,
                       changes={"third_party_sharing": True})
    disclosure_record(actor=user("handler"), feedback=shared.feedback, recipient="Samsung",
                      purpose="Garanti", data=["device"])
    recipients_notify(feedback=shared.feedback, reason=RecipientNoticeReason.ERASURE,
                      actor=None)
    refused = Case()
    page = page_for(language=language, width=width)
    sign_in(page, live_server.url, "handler")
    for channel in ("phone", "email"):
        page.goto(f"{live_server.url}/desk/intake/{channel}/")
        assert page.locator("#notice-title").count() == 1
        assert axe_violations(page) == [], channel
    page.goto(f"{live_server.url}/desk/feedback/{shared.reference}")
    assert page.locator("#privacy-heading").count() == 1
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/desk/feedback/{refused.reference}")
    page.locator("#group-more > summary").click()
    page.locator("#action-disclose input[name=disclose-recipient]").fill("Samsung")
    page.locator("#action-disclose input[name=disclose-purpose]").fill("Garanti")
    page.locator("#action-disclose input[type=checkbox]").first.check()
    page.locator("#action-disclose button[type=submit]").click()
    page.wait_for_selector("#conflict, #error-summary")  # the refusal, swapped in place
    assert Feedback.objects.get(pk=refused.feedback.pk).disclosures.count() == 0
    assert axe_violations(page) == []

    page = page_for(language=language, width=width)  # a new browser context
    sign_in(page, live_server.url, "privacy")
    page.goto(f"{live_server.url}/desk/privacy/recipients/")
    assert page.locator("#recipient-notices tbody tr").count() == 1
    assert axe_violations(page) == []
