"""Staff in a real browser: a phone complaint recorded, started, proposed, approved; axe checks."""

from __future__ import annotations

import re
from typing import Any

import pytest

from memnun.feedback.models import Feedback
from tests.browser.conftest import axe_violations
from tests.conftest import PASSWORD


def sign_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/desk/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.login button[type=submit]").click()
    page.wait_for_url(re.compile(r"/desk/$"))


@pytest.mark.parametrize("width", [1280, 820])
def test_phone_complaint_from_intake_to_resolution(
    live_server: Any, page_for: Any, demo: None, width: int
) -> None:
    base = live_server.url
    agent = page_for(width=width)
    sign_in(agent, base, "agent")
    agent.goto(f"{base}/desk/intake/phone/")
    agent.locator("#id_subject").fill("Ekran değişimi gecikti")
    agent.locator("#id_description").fill("Müşteri aradı: telefonu üç haftadır serviste.")
    agent.locator("#id_name").fill("Işıl Öztürk")
    agent.locator("#id_phone").fill("0532 123 45 67")
    agent.locator("#id_privacy_notice").check()
    agent.locator("form.stack button[type=submit]").click()
    agent.wait_for_url(re.compile(r"/desk/intake/receipt/"))
    reference = agent.locator("#reference").inner_text()
    feedback = Feedback.objects.get(reference=reference)
    assert feedback.channel == "phone" and feedback.recorded_by.username == "agent"

    handler = page_for(width=width)
    sign_in(handler, base, "handler")
    handler.goto(f"{base}/desk/feedback/{reference}")
    handler.locator("#group-move > summary").click()  # the case page's actions are grouped
    start = handler.locator("#action-start")
    assert start.locator("#id_start-assignee").input_value() == "handler"
    start.locator("#id_start-severity").select_option("medium")
    start.locator("#id_start-category").select_option("repair-delay")
    start.locator("button[type=submit]").click()
    handler.wait_for_selector("#action-propose")
    propose = handler.locator("#action-propose")
    propose.locator("#id_propose-root_cause_category").select_option("part-supply")
    propose.locator("#id_propose-root_cause").fill("Parça tedarikçiden geç geldi.")
    propose.locator("#id_propose-corrective_action").fill("İkinci tedarikçi eklendi.")
    propose.locator("#id_propose-response_type").select_option("replace_part")
    propose.locator("#id_propose-resolution").fill("Ekranınız yarın değiştirilecek.")
    propose.locator("button[type=submit]").click()
    handler.wait_for_selector(".flash")
    assert handler.locator("#action-approve").count() == 0  # a handler does not approve

    reviewer = page_for(width=width)
    sign_in(reviewer, base, "reviewer")
    reviewer.goto(f"{base}/desk/feedback/{reference}")
    reviewer.locator("#group-move > summary").click()
    reviewer.locator("#action-approve button[type=submit]").click()
    reviewer.wait_for_selector(".flash")

    timeline = reviewer.locator("ol.timeline").inner_text()
    stages = ["Oluşturuldu", "İşlem Sırasında", "Gözden Geçiriliyor", "Çözümlendi"]
    places = [timeline.index(stage) for stage in stages]
    assert places == sorted(places)
    for name in ("Ayşe Demir", "Mehmet Yıldız", "Zeynep Kaya"):
        assert name in timeline
    assert Feedback.objects.get(reference=reference).status == "resolved"

    # The reveal swaps the customer block in place (htmx), and shows the details only there.
    assert "Işıl Öztürk" not in reviewer.content()
    reviewer.locator("#id_reveal-reason").fill("Müşteriyi geri arayacağım")
    reviewer.locator("form.reveal button[type=submit]").click()
    reviewer.wait_for_selector("#customer strong")
    assert "Işıl Öztürk" in reviewer.locator("#customer").inner_text()
    assert reviewer.url.endswith(f"/desk/feedback/{reference}")


def test_desk_pages_pass_axe(live_server: Any, page_for: Any, demo: None) -> None:
    from tests.casework import Case

    case = Case()
    page = page_for()
    page.goto(f"{live_server.url}/desk/login/")
    assert axe_violations(page) == []
    sign_in(page, live_server.url, "reviewer")
    for path in (
        "/desk/queue/", "/desk/queue/?q=ışıl", f"/desk/feedback/{case.reference}",
        "/desk/intake/", "/desk/intake/front_office/",
    ):
        page.goto(f"{live_server.url}{path}")
        assert axe_violations(page) == [], path
    # The same pages in their error states.
    page.goto(f"{live_server.url}/desk/intake/phone/")
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_selector("#error-summary")
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/desk/feedback/{case.reference}")
    page.locator("#group-note > summary").click()
    page.locator("#action-note button[type=submit]").click()
    page.wait_for_selector("#error-summary")
    assert axe_violations(page) == []


@pytest.mark.parametrize("width", [1280, 390])
def test_the_reports_page_passes_axe(
    live_server: Any, page_for: Any, demo: None, width: int
) -> None:
    from tests.reports.known_cases import FROM, TO, week

    week()
    page = page_for(width=width)
    blocked: list[str] = []
    page.on("console", lambda message: blocked.append(message.text)
            if "Content Security Policy" in message.text else None)
    sign_in(page, live_server.url, "quality")
    page.goto(f"{live_server.url}/desk/reports/?period=custom&start={FROM}&end={TO}")
    assert page.locator("img[src^='data:image/svg+xml']").count() == 5
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/desk/reports/?period=custom&start={TO}&end={FROM}")
    page.wait_for_selector("#error-summary")
    assert axe_violations(page) == []
    assert blocked == []
