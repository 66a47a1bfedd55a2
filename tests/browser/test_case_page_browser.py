"""The compact case page in a real browser: keyboard, actions in place, focus, axe."""

from __future__ import annotations

import re
from typing import Any

import pytest

from memnun.feedback.models import CaseMessage
from tests.browser.conftest import axe_violations, focus_awaited
from tests.browser.test_desk_journey import sign_in
from tests.casework import Case


def active(page: Any) -> dict[str, str]:
    return page.evaluate(
        """() => ({id: document.activeElement.id, tag: document.activeElement.tagName,
                   text: document.activeElement.innerText || ''})"""
    )


@pytest.mark.parametrize("width", [1280, 390])
def test_a_handler_answers_by_keyboard_and_walks_the_list(
    live_server: Any, page_for: Any, demo: None, width: int
) -> None:
    for _ in range(3):
        Case()
    base = live_server.url
    page = page_for(language="en", width=width)
    blocked: list[str] = []
    page.on("console", lambda message: blocked.append(message.text)
            if "Content Security Policy" in message.text else None)
    sign_in(page, base, "agent")
    page.goto(f"{base}/desk/queue/?type=complaint")
    links = page.locator("table.queue tbody th a")
    refs = [links.nth(i).inner_text() for i in range(links.count())]
    assert len(refs) >= 3
    # "/" on a list: the search box.
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.name") == "q"
    page.locator("main h1").click()  # out of the field again
    links.first.click()
    page.wait_for_url(re.compile(rf"/desk/feedback/{refs[0]}\?from="))
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert axe_violations(page) == []

    # r: the reply group opens with the message box focused; keys typed there stay text.
    page.keyboard.press("r")
    assert page.locator("#group-reply").evaluate("d => d.open")
    assert active(page)["id"] == "id_message-body"
    page.keyboard.type("Merhaba, j ve k tuşları burada yazı olur?")
    assert page.url.split("?")[0].endswith(refs[0])  # j, k and ? did nothing in the field
    assert page.locator("dialog[open]").count() == 0
    assert axe_violations(page) == []  # a group open
    page.locator("#action-message button[type=submit]").click()
    page.wait_for_selector("#done")
    focused = focus_awaited(page, "newest-entry")
    assert focused["id"] == "newest-entry"
    assert "Merhaba, j ve k tuşları burada yazı olur?" in focused["text"]
    assert CaseMessage.objects.filter(
        feedback__reference=refs[0], body="Merhaba, j ve k tuşları burada yazı olur?",
        visible_to_customer=True,
    ).count() == 1
    assert page.url.split("?")[0].endswith(refs[0])  # in place, no page load

    # n: the note group opens, and the reply group closes (one at a time).
    page.keyboard.press("n")
    assert page.locator("#group-note").evaluate("d => d.open")
    assert not page.locator("#group-reply").evaluate("d => d.open")
    assert active(page)["id"] == "id_note-body"
    # An error in place: focus on the summary, axe clean.
    page.locator("#action-note button[type=submit]").click()
    page.wait_for_selector("#error-summary")
    assert focus_awaited(page, "error-summary")["id"] == "error-summary"
    assert axe_violations(page) == []
    assert page.locator("#group-note").evaluate("d => d.open")

    # ?: the help overlay; Esc closes it and focus returns where it was.
    page.locator("a[rel=next]").focus()
    page.keyboard.press("?")
    dialog = page.locator("dialog#keys-help")
    dialog.wait_for(state="visible")
    assert dialog.evaluate("d => d.open && d.contains(document.activeElement)")
    assert "Keyboard shortcuts" in dialog.inner_text()
    assert axe_violations(page) == []  # help open
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    assert page.evaluate("document.activeElement.getAttribute('rel')") == "next"

    # j: the next case of the list the user came from; k: back again.
    page.locator("main h1").click()
    page.keyboard.press("j")
    page.wait_for_url(re.compile(rf"/desk/feedback/{refs[1]}\?from="))
    assert page.locator("a[rel=next]").inner_text() == "Next case"
    page.keyboard.press("j")
    page.wait_for_url(re.compile(rf"/desk/feedback/{refs[2]}\?from="))
    page.keyboard.press("k")
    page.wait_for_url(re.compile(rf"/desk/feedback/{refs[1]}\?from="))
    assert blocked == []


def test_without_javascript_the_case_page_still_works(
    live_server: Any, browser: Any, demo: None
) -> None:
    case = Case()
    context = browser.new_context(java_script_enabled=False, locale="en-GB",
                                  extra_http_headers={"Accept-Language": "en"})
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        sign_in(page, live_server.url, "agent")
        page.goto(f"{live_server.url}/desk/feedback/{case.reference}")
        page.locator("#group-note > summary").click()  # <details> opens without script
        page.locator("#id_note-body").fill("Betiksiz not")
        page.locator("#action-note button[type=submit]").click()
        page.wait_for_selector(".flash")
        assert "Betiksiz not" in page.locator("ol.timeline").inner_text()
        assert page.url.endswith(f"/desk/feedback/{case.reference}")
    finally:
        context.close()
