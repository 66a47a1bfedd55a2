"""The management review's pages in a real browser: axe finds nothing serious or critical,
in Turkish on a wide screen and English on a phone, and nothing runs off a phone's screen."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from memnun.desk.review_pack_render import review_pack_files
from memnun.feedback.review_models import DecisionAction
from memnun.feedback.selectors.reports.scope import Period
from memnun.feedback.services.management_review import (
    ReviewInput,
    review_decision_add,
    review_draft,
    review_pack_attach,
)
from tests.browser.conftest import axe_violations
from tests.browser.test_desk_journey import sign_in
from tests.casework import case_in, user


@pytest.mark.parametrize(("language", "width"), [("tr", 1280), ("en", 390)])
def test_the_review_pages_pass_axe(
    live_server: Any, page_for: Any, demo: None, settings: Any, tmp_path: Any,
    language: str, width: int,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    case_in("closed")
    review = review_draft(actor=user("quality"), data=ReviewInput(
        meeting_on=date(2026, 11, 20), period_from=date(2026, 10, 1),
        period_to=date(2026, 10, 31), attendees=("manager", "quality"),
        other_attendees="Dış danışman",
    ))
    review_decision_add(actor=user("manager"), review=review, action=DecisionAction.CAPA,
                        text="Faks kanalına geri arama sorumlusu atanacak.")
    made = review_pack_files(viewer=user("quality"), language=language, review_id=review.pk,
                             period=Period(start=review.period_from, end=review.period_to))
    review_pack_attach(actor=user("quality"), review=review, language=language, pdf=made.pdf,
                       xlsx=made.xlsx)
    page = page_for(language=language, width=width)
    sign_in(page, live_server.url, "manager")
    page.goto(f"{live_server.url}/desk/reviews/")
    assert page.locator("table.queue tbody tr").count() == 1
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/desk/reviews/{review.pk}")
    assert page.locator("#review-pack-pdf").count() == 1
    assert page.locator("#review-decisions tbody tr").count() == 1
    assert page.locator("#review-approve").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert axe_violations(page) == []
    # The error state: a decision without its text.
    page.locator("#review-decision button[type=submit]").click()
    page.wait_for_selector("#error-summary")
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/desk/reviews/{review.pk}/edit")
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/desk/reviews/new")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert axe_violations(page) == []
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector("#error-summary")
    assert axe_violations(page) == []
