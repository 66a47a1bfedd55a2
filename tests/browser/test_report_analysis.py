"""The repeat clusters and surges pages in a real browser: axe at desktop and phone width."""

from __future__ import annotations

from typing import Any

import pytest

from memnun.feedback.models import Feedback
from memnun.feedback.services.intake import CustomerInput
from memnun.organisation.models import Category
from tests.browser.conftest import axe_violations
from tests.browser.test_desk_journey import sign_in
from tests.feedback.cases import at, record


def _case(n: int, when: str, **extra: Any) -> Feedback:
    customer = CustomerInput(name=f"Müşteri {n}", email=extra.pop("email", f"m{n}@example.com"),
                             phone=extra.pop("phone", ""))
    return record(received_at=at(when), customer=customer, **extra)


@pytest.mark.parametrize("width", [1280, 390])
def test_the_analysis_pages_pass_axe(
    live_server: Any, page_for: Any, demo: None, width: int
) -> None:
    _case(1, "2026-03-02 10:00", imei="490154203237518", brand="Samsung")
    _case(2, "2026-03-09 10:00", imei="490154203237518", phone="+905321110002")
    _case(3, "2026-03-20 10:00", phone="+905321110002")
    parts = Category.objects.get(code="parts")
    for n in range(4, 10):
        case = _case(n, "2026-11-18 10:00")
        Feedback.objects.filter(pk=case.pk).update(category=parts)
    page = page_for(width=width)
    blocked: list[str] = []
    page.on("console", lambda message: blocked.append(message.text)
            if "Content Security Policy" in message.text else None)
    sign_in(page, live_server.url, "quality")
    page.goto(f"{live_server.url}/desk/reports/repeats/?period=custom&start=2026-03-01"
              "&end=2026-03-31")
    assert page.locator("#clusters tbody tr").count() == 1
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/desk/reports/repeats/?period=custom&start=2026-03-31"
              "&end=2026-03-01")
    page.wait_for_selector("#error-summary")
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/desk/reports/surges/?week=2026-11-16")
    assert page.locator("#surges tbody tr").count() == 1
    assert axe_violations(page) == []
    page.locator("#surges tbody a").first.click()
    page.wait_for_selector("#surge-cases")
    assert page.locator("#surge-cases tbody tr").count() == 6
    assert axe_violations(page) == []
    assert blocked == []
