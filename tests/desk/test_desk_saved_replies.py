"""Saved replies in the desk: the management pages, and the case page's picker filling the
message box (htmx and without JavaScript) before the normal message form sends it."""

from __future__ import annotations

import html as htmllib
import re

import pytest

from memnun.feedback.models import CaseMessage
from memnun.feedback.saved_reply_models import SavedReply
from memnun.feedback.services.saved_replies import SavedReplyInput, saved_reply_create
from tests.casework import Case, user
from tests.desk.helpers import signed_in

pytestmark = pytest.mark.django_db

BODY_TR = "Sayın {first_name}, {reference} numaralı başvurunuzu inceliyoruz. {{ x }}"


def saved(title: str = "İnceleme", office: str | None = "istanbul") -> SavedReply:
    return saved_reply_create(actor=user("quality"), data=SavedReplyInput(
        title=title, body_tr=BODY_TR, body_en="Dear {first_name}", office=office))


def message_box(page: str) -> str:
    found = re.search(r'<textarea name="message-body"[^>]*>(.*?)</textarea>', page, re.S)
    assert found, "no message box"
    return htmllib.unescape(found.group(1)).strip()


def test_the_picker_lists_the_cases_replies_in_the_message_form(demo: None) -> None:
    mine, everywhere = saved("İnceleme"), saved("Genel", office=None)
    ankara = saved("Ankara", office="ankara")
    case = Case()
    page = signed_in("agent").get(f"/desk/feedback/{case.reference}").content.decode()
    form = page[page.index('id="action-message"'):]
    form = form[:form.index("</section>")]
    assert f"?reply={mine.pk}" in form and f"?reply={everywhere.pk}" in form
    assert f"?reply={ankara.pk}" not in page
    # The auditor cannot message the customer: no picker.
    page = signed_in("auditor").get(f"/desk/feedback/{case.reference}").content.decode()
    assert "saved-reply-picker" not in page


def test_without_javascript_the_case_page_fills_the_box(demo: None) -> None:
    reply = saved()
    case = Case()
    client = signed_in("agent")
    page = client.get(f"/desk/feedback/{case.reference}?reply={reply.pk}")
    assert page.status_code == 200
    assert message_box(page.content.decode()) == (
        f"Sayın Işıl, {case.reference} numaralı başvurunuzu inceliyoruz. {{{{ x }}}}"
    )
    # An unknown or foreign reply leaves the box empty, without an error.
    for bad in ("999999", "abc", str(saved("Ankara", office="ankara").pk)):
        page = client.get(f"/desk/feedback/{case.reference}?reply={bad}")
        assert page.status_code == 200
        assert message_box(page.content.decode()) == ""
    # The picker's own URL without htmx sends the browser to the case page.
    response = client.get(f"/desk/feedback/{case.reference}/saved-reply?reply={reply.pk}")
    assert response.status_code == 302
    assert response["Location"] == (
        f"/desk/feedback/{case.reference}?reply={reply.pk}#action-message")


def test_htmx_answers_the_filled_box_then_the_normal_form_sends_it(demo: None) -> None:
    reply = saved()
    case = Case()
    client = signed_in("agent")
    response = client.get(
        f"/desk/feedback/{case.reference}/saved-reply?reply={reply.pk}", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    fragment = response.content.decode()
    assert 'id="id_message-body"' in fragment and "autofocus" in fragment
    text = message_box(fragment)
    assert text.startswith("Sayın Işıl, ")
    edited = text + "\nEk bilgi."
    sent = client.post(f"/desk/feedback/{case.reference}/do/message", {"message-body": edited})
    assert sent.status_code == 302
    message = CaseMessage.objects.get(feedback=case.feedback, visible_to_customer=True)
    assert message.body == edited and message.author == user("agent")


@pytest.mark.parametrize(("username", "status"), [("auditor", 403), ("agent", 404)])
def test_the_fill_refuses_who_may_not_message_and_foreign_replies(
    demo: None, username: str, status: int
) -> None:
    reply = saved() if username == "auditor" else saved("Ankara", office="ankara")
    case = Case()
    response = signed_in(username).get(
        f"/desk/feedback/{case.reference}/saved-reply?reply={reply.pk}", HTTP_HX_REQUEST="true")
    assert response.status_code == status
    assert "Işıl" not in response.content.decode()


def test_quality_adds_changes_and_deactivates_a_reply(demo: None) -> None:
    client = signed_in("quality")
    assert client.get("/desk/saved-replies/new").status_code == 200
    response = client.post("/desk/saved-replies/new", {
        "title": "Gecikme", "body_tr": "Merhaba {first_name}", "body_en": "Hello {first_name}",
        "office": "", "active": "on",
    })
    assert response.status_code == 302
    reply = SavedReply.objects.get(title="Gecikme")
    assert reply.office is None and reply.active
    page = client.get("/desk/saved-replies/").content.decode()
    assert "Gecikme" in page and "Every office" in page
    response = client.post(f"/desk/saved-replies/{reply.pk}/edit", {
        "title": "Gecikme 2", "body_tr": "Merhaba", "body_en": "Hello", "office": "izmir",
        "active": "on",
    })
    assert response.status_code == 302
    reply.refresh_from_db()
    assert (reply.title, reply.office.code if reply.office else None) == ("Gecikme 2", "izmir")
    assert client.post(f"/desk/saved-replies/{reply.pk}/deactivate").status_code == 302
    reply.refresh_from_db()
    assert not reply.active


def test_the_form_names_an_unknown_placeholder_and_empty_fields(demo: None) -> None:
    client = signed_in("quality")
    response = client.post("/desk/saved-replies/new", {
        "title": "X", "body_tr": "Merhaba {isim}", "body_en": "Hi", "office": "",
    })
    assert response.status_code == 422
    assert "Unknown placeholder: {isim}." in htmllib.unescape(response.content.decode())
    response = client.post("/desk/saved-replies/new", {
        "title": "", "body_tr": "", "body_en": "Hi", "office": "",
    })
    assert response.status_code == 422
    assert response.content.decode().count('class="error"') >= 2
    assert not SavedReply.objects.exists()


def test_a_reviewer_manages_their_own_office_only(demo: None) -> None:
    global_reply, ankara = saved("Genel", office=None), saved("Ankara", office="ankara")
    client = signed_in("reviewer")
    page = client.get("/desk/saved-replies/").content.decode()
    assert "Genel" in page and "Ankara" not in page
    assert f"/saved-replies/{global_reply.pk}/edit" not in page
    assert client.get(f"/desk/saved-replies/{global_reply.pk}/edit").status_code == 403
    assert client.get(f"/desk/saved-replies/{ankara.pk}/edit").status_code == 404
    assert client.post(f"/desk/saved-replies/{global_reply.pk}/deactivate").status_code == 403
    # The office field offers only their own office; another one is refused in the form.
    response = client.post("/desk/saved-replies/new", {
        "title": "Bizim", "body_tr": "a", "body_en": "b", "office": "ankara"})
    assert response.status_code == 422
    response = client.post("/desk/saved-replies/new", {
        "title": "Bizim", "body_tr": "a", "body_en": "b", "office": "istanbul"})
    assert response.status_code == 302
    assert SavedReply.objects.get(title="Bizim").office.code == "istanbul"  # type: ignore[union-attr]


@pytest.mark.parametrize("username", ["agent", "handler", "auditor", "manager", "admin"])
def test_other_roles_may_not_open_the_management_pages(demo: None, username: str) -> None:
    client = signed_in(username)
    assert client.get("/desk/saved-replies/").status_code == 403
    assert client.get("/desk/saved-replies/new").status_code == 403
    assert "/desk/saved-replies/" not in client.get("/desk/queue/").content.decode()
