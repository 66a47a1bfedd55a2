"""Saved replies in a real browser: axe finds nothing serious on the list and the editor
(with its errors), on a desktop and a phone; on the case page the picker fills the
message box in place (htmx), the text is edited and sent by the normal message form."""

from __future__ import annotations

from typing import Any

import pytest

from memnun.feedback.models import CaseMessage
from memnun.feedback.saved_reply_models import SavedReply
from memnun.feedback.services.saved_replies import SavedReplyInput, saved_reply_create
from tests.browser.conftest import axe_violations, focus_awaited
from tests.browser.test_desk_journey import sign_in
from tests.casework import Case, user


def saved(title: str, office: str | None) -> SavedReply:
    return saved_reply_create(actor=user("quality"), data=SavedReplyInput(
        title=title, body_tr="Sayın {first_name}, {reference} numaralı başvurunuz inceleniyor.",
        body_en="Dear {first_name}, we are looking into {reference}.", office=office))


@pytest.mark.parametrize("width", [1280, 390])
def test_the_list_and_the_editor_pass_axe(
    live_server: Any, page_for: Any, demo: None, width: int
) -> None:
    saved("Genel bilgi", None)
    saved("İstanbul gecikme", "istanbul")
    page = page_for(width=width)
    sign_in(page, live_server.url, "reviewer")
    page.goto(f"{live_server.url}/desk/saved-replies/")
    assert page.locator("#saved-replies tbody tr").count() == 2
    assert axe_violations(page) == []
    page.locator("#saved-reply-new").click()
    page.wait_for_selector("#id_body_tr")
    assert axe_violations(page) == []
    page.locator("#id_title").fill("Yeni")
    page.locator("#id_body_tr").fill("Merhaba {isim}")
    page.locator("#id_body_en").fill("Hello")
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_selector("#error-summary")
    assert "{isim}" in page.locator("#error-summary").inner_text()
    assert axe_violations(page) == []


def test_the_picker_fills_the_box_in_place_and_the_message_is_sent(
    live_server: Any, page_for: Any, demo: None
) -> None:
    reply = saved("İnceleme", "istanbul")
    case = Case()
    page = page_for(width=1280)
    sign_in(page, live_server.url, "agent")
    page.goto(f"{live_server.url}/desk/feedback/{case.reference}")
    page.locator("#group-reply > summary").click()  # the picker sits in "Answer the customer"
    page.locator("#saved-reply-picker summary").click()
    assert axe_violations(page) == []
    page.locator(f"#saved-reply-picker a[href*='reply={reply.pk}']").click()
    box = page.locator("#id_message-body")
    expected = f"Sayın Işıl, {case.reference} numaralı başvurunuz inceleniyor."
    page.wait_for_function(
        "text => document.querySelector('#id_message-body').value === text", arg=expected)
    # Filled in place: the page did not navigate, and the box has the focus.
    assert "reply=" not in page.url
    assert focus_awaited(page, "id_message-body")["id"] == "id_message-body"
    box.press("Control+End")  # the end of the text, not of its first visual line
    box.type(" Yarın arayacağız.")
    page.locator("#action-message button[type=submit]").click()
    page.wait_for_selector(".flash")
    message = CaseMessage.objects.get(feedback=case.feedback, visible_to_customer=True)
    assert message.body == expected + " Yarın arayacağız."
    assert axe_violations(page) == []
