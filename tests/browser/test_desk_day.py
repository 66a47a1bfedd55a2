"""A day at the desk in a real browser (issue 15, "Done when").

A handler: sign-in lands on the home → the overdue panel → the overdue case → a saved
reply inserted, edited and sent in place → the next case with `j` → back home. Handlers
do not assign (permissions.MATRIX), so the team lead (reviewer) bulk-assigns two cases.
A reviewer: home → "Awaiting review" → the case → approve.
Axe finds no serious or critical violation on each page and state. The data is made
through the services (intake with a past time of receipt makes a case overdue).
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from memnun.accounts.roles import Role
from memnun.feedback.codes import Status
from memnun.feedback.models import CaseMessage, Feedback
from memnun.feedback.services.intake import IntakeInput, feedback_record
from memnun.feedback.services.saved_replies import SavedReplyInput, saved_reply_create
from tests.browser.conftest import axe_violations, focus_awaited
from tests.browser.test_desk_journey import sign_in
from tests.casework import CUSTOMER, Case, staff, user


def overdue_case(days_ago: int, subject: str) -> Case:
    """A complaint phoned in `days_ago` days ago (recorded late by the agent), started
    today for the handler: its resolution deadline has passed."""
    result = feedback_record(actor=user("agent"), data=IntakeInput(
        type="complaint", channel="phone", office="istanbul", subject=subject,
        description="Telefonum aylardır serviste.", customer=CUSTOMER, privacy_notice=True,
        received_at=timezone.now() - timedelta(days=days_ago),
    ))
    return Case.of(result.feedback, result.tracking_code).start()


def clean(page: Any, state: str, checked: dict[str, Any], width: int) -> None:
    """Axe on the page as it is now, and nothing wider than the screen."""
    checked[state] = axe_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, state


@pytest.mark.parametrize(("language", "width"), [("en", 1280), ("tr", 390)])
def test_a_handlers_day(
    live_server: Any, page_for: Any, demo: None, language: str, width: int
) -> None:
    base = live_server.url
    first = overdue_case(100, "Ekran değişimi aylardır bekliyor")
    second = overdue_case(90, "Batarya değişimi gecikti")
    Case().start()  # not overdue: stays out of the overdue list
    reply = saved_reply_create(actor=user("reviewer"), data=SavedReplyInput(
        title="Gecikme özrü", office="istanbul",
        body_tr="Sayın {first_name}, {reference} numaralı başvurunuz için özür dileriz.",
        body_en="Dear {first_name}, we apologise for the delay on {reference}.",
    ))
    away = staff("handler2", Role.HANDLER)
    handed = [Case().start(assignee="handler2"), Case().start(assignee="handler2")]
    checked: dict[str, Any] = {}
    page = page_for(language=language, width=width)

    # Sign-in lands on the home; the overdue panel holds exactly the two late cases.
    sign_in(page, base, "handler")
    assert page.locator("#panel-overdue [data-count]").get_attribute("data-count") == "2"
    clean(page, "home", checked, width)
    page.locator("#panel-overdue a[href*='deadline=overdue']").click()
    page.wait_for_url(re.compile(r"/desk/queue/\?assigned=me&deadline=overdue$"))
    links = page.locator("table.queue tbody th a")
    assert [links.nth(i).inner_text() for i in range(links.count())] == [
        first.reference, second.reference,
    ]
    clean(page, "the overdue list", checked, width)

    # The overdue case: a saved reply into the message box, edited, sent in place.
    links.first.click()
    page.wait_for_url(re.compile(rf"/desk/feedback/{first.reference}\?from="))
    clean(page, "case page", checked, width)
    page.keyboard.press("r")
    assert page.locator("#group-reply").evaluate("d => d.open")
    page.locator("#saved-reply-picker summary").click()
    clean(page, "saved replies listed", checked, width)
    page.evaluate("window.notReloaded = true")
    page.locator(f"#saved-reply-picker a[href*='reply={reply.pk}']").click()
    filled = f"Sayın Işıl, {first.reference} numaralı başvurunuz için özür dileriz."
    page.wait_for_function(
        "text => document.querySelector('#id_message-body').value === text", arg=filled)
    page.wait_for_function("() => document.activeElement.id === 'id_message-body'")
    clean(page, "reply filled", checked, width)
    box = page.locator("#id_message-body")
    box.press("Control+End")  # the end of the text, not of its first visual line
    box.type(" Ekranınız bu hafta değiştirilecek.")
    page.locator("#action-message button[type=submit]").click()
    page.wait_for_selector("#done")
    assert page.evaluate("window.notReloaded") is True  # sent in place
    # The focus moves once htmx has settled the swapped part, a moment after #done shows.
    assert focus_awaited(page, "newest-entry")["id"] == "newest-entry"
    assert list(CaseMessage.objects.filter(
        feedback=first.feedback, visible_to_customer=True,
    ).values_list("body", flat=True)) == [filled + " Ekranınız bu hafta değiştirilecek."]
    clean(page, "reply sent", checked, width)

    # j: the next case of the overdue list; then back home by the header's link.
    page.locator("main h1").click()  # out of any field
    page.keyboard.press("j")
    page.wait_for_url(re.compile(rf"/desk/feedback/{second.reference}\?from="))
    clean(page, "next case", checked, width)
    page.locator("nav a[href='/desk/']").first.click()
    page.wait_for_url(re.compile(r"/desk/$"))
    clean(page, "home again", checked, width)

    # Handlers do not assign: the team lead bulk-assigns handler2's two cases to the handler.
    lead = page_for(language=language, width=width)
    sign_in(lead, base, "reviewer")
    lead.goto(f"{base}/desk/queue/")
    for case in handed:
        lead.locator(f'input[name="case"][value="{case.reference}"]').check()
    lead.select_option("#bulk-action", "assign")
    lead.select_option("#bulk-assignee", "handler")
    lead.locator("#bulk button[type=submit]").click()
    lead.wait_for_selector("#bulk-result .bulk-done")
    clean(lead, "bulk assigned", checked, width)
    for case in handed:
        assert case.fresh().assignee == user("handler")
    assert not Feedback.objects.filter(assignee=away).exists()
    # The handler's home counts them among their open cases.
    page.reload()
    assert page.locator("#panel-mine [data-count]").get_attribute("data-count") == "5"
    assert {name: v for name, v in checked.items() if v} == {}


@pytest.mark.parametrize(("language", "width"), [("tr", 1280), ("en", 390)])
def test_a_reviewers_day(
    live_server: Any, page_for: Any, demo: None, language: str, width: int
) -> None:
    base = live_server.url
    proposed = Case().start().propose()
    Case().start()  # being worked: not awaiting review
    checked: dict[str, Any] = {}
    page = page_for(language=language, width=width)

    sign_in(page, base, "reviewer")
    panel = page.locator("#panel-under_review")
    assert panel.locator("[data-count]").get_attribute("data-count") == "1"
    clean(page, "home", checked, width)
    panel.locator(".panel-rows a", has_text=proposed.reference).click()
    page.wait_for_url(re.compile(rf"/desk/feedback/{proposed.reference}$"))
    clean(page, "case under review", checked, width)
    page.locator("#group-move > summary").click()
    clean(page, "move the case open", checked, width)
    page.evaluate("window.notReloaded = true")
    page.locator("#action-approve button[type=submit]").click()
    page.wait_for_selector("#done")
    assert page.evaluate("window.notReloaded") is True  # approved in place
    assert proposed.fresh().status == Status.RESOLVED
    clean(page, "approved", checked, width)
    page.goto(f"{base}/desk/")
    assert panel.locator("[data-count]").get_attribute("data-count") == "0"
    assert {name: v for name, v in checked.items() if v} == {}
