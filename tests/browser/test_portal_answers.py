"""The customer follows their case as staff move it, rejects then accepts a resolution,
and rates the handling — in Turkish and in English."""

from __future__ import annotations

import re
from typing import Any

import pytest

from memnun.feedback.models import Feedback, SurveyAnswer
from tests.browser.conftest import axe_violations
from tests.casework import Case

TEXTS = {
    "tr": {
        "review": "Gözden Geçiriliyor",
        "progress": "İşlem Sırasında",
        "reject": "kabul etmiyorum",
        "accept": "kabul ediyorum",
        "closed": "Kapatıldı",
        "rate": "5",
    },
    "en": {
        "review": "Under review",
        "progress": "In progress",
        "reject": "do not accept",
        "accept": "Yes, I accept",
        "closed": "Closed",
        "rate": "5",
    },
}


@pytest.mark.parametrize("language", ["tr", "en"])
def test_follow_reject_accept_and_rate(
    language: str, live_server: Any, page_for: Any, demo: None
) -> None:
    t = TEXTS[language]
    page = page_for(language=language, width=390)
    page.goto(f"{live_server.url}/feedback/new/")
    page.locator("#id_subject").fill("Ekran değişimi gecikti")
    page.locator("#id_description").fill("Telefonum üç haftadır serviste.")
    page.locator("#id_email").fill("isil@example.com")
    page.locator("#id_language").select_option(language)
    page.locator("#id_privacy_notice").check()
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_url(re.compile(r"/feedback/receipt/$"))
    reference = page.locator("#reference").inner_text()
    tracking = f"{live_server.url}/track/{reference}"
    case = Case.of(Feedback.objects.get(reference=reference))

    case.start().propose()
    page.goto(tracking)
    assert t["review"] in page.locator("[aria-current=step]").inner_text()

    case.approve()
    page.goto(tracking)
    answer = page.locator("#answer")
    assert "Ekranınız yarın değiştirilecek" in answer.inner_text()
    assert not axe_violations(page)
    answer.get_by_label(re.compile(t["reject"], re.I)).check()
    answer.locator("textarea").fill("Bir hafta daha bekleyemem.")
    answer.locator("button[type=submit]").click()
    page.wait_for_selector(".flash")
    assert t["progress"] in page.locator("[aria-current=step]").inner_text()
    feedback = case.fresh()
    assert feedback.status == "in_progress" and feedback.escalation_level == 1

    case.propose().approve()
    page.goto(tracking)
    page.locator("#answer").get_by_label(re.compile(t["accept"], re.I)).check()
    page.locator("#answer button[type=submit]").click()
    page.wait_for_selector(".flash")

    case.close()
    page.goto(tracking)
    assert t["closed"] in page.locator("[aria-current=step]").inner_text()
    survey = page.locator("#survey")
    assert not axe_violations(page)
    survey.locator("input[value='5']").check()
    survey.locator("textarea").fill("Sonunda çözüldü, teşekkürler.")
    survey.locator("button[type=submit]").click()
    page.wait_for_selector(".flash")
    assert SurveyAnswer.objects.get(feedback=feedback).score == 5
    assert page.locator("#survey").count() == 0  # once only
