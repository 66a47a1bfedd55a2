"""Saved replies: filling placeholders by plain substitution (never the template engine),
validation, office scope and who may manage them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from memnun.audit.models import AuditEvent
from memnun.feedback.errors import FieldErrors, NotFound, NotPermitted
from memnun.feedback.models import Obligation
from memnun.feedback.saved_reply_models import SavedReply
from memnun.feedback.selectors.saved_replies import (
    saved_replies_for_case,
    saved_replies_visible_to,
)
from memnun.feedback.services.intake import CustomerInput
from memnun.feedback.services.saved_replies import (
    SavedReplyInput,
    saved_reply_create,
    saved_reply_deactivate,
    saved_reply_edit,
    saved_reply_fill,
    saved_reply_for_case,
)
from memnun.feedback.tracking_access import tracking_link_url
from tests.casework import CUSTOMER, Case, staff, user


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    # The refusals are compared in English: whatever language a test before left active.
    with translation.override("en"):
        yield

pytestmark = pytest.mark.django_db


def reply(body_tr: str, body_en: str = "Hello", *, office: str | None = None,
          by: str = "quality", title: str = "Yanıt") -> SavedReply:
    return saved_reply_create(actor=user(by), data=SavedReplyInput(
        title=title, body_tr=body_tr, body_en=body_en, office=office))


def customer(name: str, language: str = "tr") -> CustomerInput:
    return CustomerInput(name=name, email=CUSTOMER.email, phone=CUSTOMER.phone,
                         preferred_contact="email", language=language)


def test_placeholders_are_filled_in_the_customers_language(demo: None) -> None:
    case = Case(customer=customer("Işıl Öztürk"))
    saved = reply("Sayın {first_name}, {reference} numaralı başvurunuz {due_date} tarihine "
                  "kadar yanıtlanacak: {tracking_link}",
                  "Dear {first_name}, your case {reference}")
    due = Obligation.objects.get(feedback=case.feedback, kind="resolution").due_at
    day = due.astimezone(ZoneInfo("Europe/Istanbul"))
    months = ["Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos",
              "Eylül", "Ekim", "Kasım", "Aralık"]
    text = saved_reply_fill(reply=saved, feedback=case.feedback)
    assert text == (
        f"Sayın Işıl, {case.reference} numaralı başvurunuz {day.day} {months[day.month - 1]} "
        f"{day.year} tarihine kadar yanıtlanacak: "
        + tracking_link_url(feedback=case.feedback, purpose="track")
    )
    english = Case(customer=customer("John Smith", "en"))
    assert saved_reply_fill(reply=saved, feedback=english.feedback) == (
        f"Dear John, your case {english.reference}"
    )


def test_the_due_date_is_the_day_in_istanbul(demo: None) -> None:
    case = Case()
    # 22:30 UTC is already the next day in Istanbul (UTC+3).
    Obligation.objects.filter(feedback=case.feedback, kind="resolution").update(
        due_at=datetime(2026, 12, 9, 22, 30, tzinfo=ZoneInfo("UTC")))
    english = Case(customer=customer("John Smith", "en"))
    Obligation.objects.filter(feedback=english.feedback, kind="resolution").update(
        due_at=datetime(2026, 12, 9, 22, 30, tzinfo=ZoneInfo("UTC")))
    saved = reply("{due_date}", "{due_date}")
    assert saved_reply_fill(reply=saved, feedback=case.feedback) == "10 Aralık 2026"
    assert saved_reply_fill(reply=saved, feedback=english.feedback) == "10 December 2026"


@pytest.mark.parametrize(("name", "first"), [
    ("ismail yılmaz", "İsmail"), ("IŞIL ÖZTÜRK", "Işıl"), ("İLKAY Demir", "İlkay"),
    ("McKenzie Ay", "McKenzie"), ("", ""),
])
def test_the_first_name_follows_turkish_casing(demo: None, name: str, first: str) -> None:
    case = Case(customer=customer(name))
    assert saved_reply_fill(reply=reply("[{first_name}]"), feedback=case.feedback) == (
        f"[{first}]"
    )


def test_template_syntax_and_customer_text_are_never_expanded(demo: None) -> None:
    # A customer who calls themselves a placeholder, or template code.
    case = Case(customer=customer("{reference}{{ settings.SECRET_KEY }} {% debug %}"))
    saved = reply("{{ feedback.reference }} {% now 'Y' %} {first_name}|{reference}")
    text = saved_reply_fill(reply=saved, feedback=case.feedback)
    # The name's first word is "{reference}{{": inserted as it is, not read again.
    assert text == (
        "{{ feedback.reference }} {% now 'Y' %} {reference}{{|" + case.reference
    )


def test_an_unknown_placeholder_is_named_in_the_error(demo: None) -> None:
    with pytest.raises(FieldErrors) as refused:
        reply("Merhaba {first_name}, {ad} {soyad}", "Hi {name}")
    assert refused.value.fields["body_tr"] == [
        "Unknown placeholder: {ad}, {soyad}. "
        "Use {reference}, {first_name}, {due_date}, {tracking_link}."
    ]
    assert "{name}" in refused.value.fields["body_en"][0]
    assert not SavedReply.objects.exists()


def test_empty_title_or_body_is_refused(demo: None) -> None:
    with pytest.raises(FieldErrors) as refused:
        reply("  ", "", title=" ")
    assert set(refused.value.fields) == {"title", "body_tr", "body_en"}
    assert not SavedReply.objects.exists()


def test_a_case_offers_its_offices_and_the_every_office_replies(demo: None) -> None:
    everywhere = reply("Herkese", title="B genel")
    istanbul = reply("İstanbul", office="istanbul", title="A istanbul")
    reply("Ankara", office="ankara", title="ankara")
    gone = reply("Eski", office="istanbul", title="eski")
    saved_reply_deactivate(actor=user("quality"), reply=gone)
    case = Case()
    assert saved_replies_for_case(feedback=case.feedback) == [istanbul, everywhere]
    with pytest.raises(NotFound):
        saved_reply_for_case(actor=user("agent"), feedback=case.feedback, reply_id=gone.pk)
    ankara = SavedReply.objects.get(title="ankara")
    with pytest.raises(NotFound):
        saved_reply_for_case(actor=user("agent"), feedback=case.feedback, reply_id=ankara.pk)
    assert saved_reply_for_case(
        actor=user("agent"), feedback=case.feedback, reply_id=istanbul.pk) == "İstanbul"
    # The auditor may not message the customer, so gets no filled text (and no name).
    with pytest.raises(NotPermitted):
        saved_reply_for_case(actor=user("auditor"), feedback=case.feedback, reply_id=istanbul.pk)


def test_a_reviewer_manages_their_own_offices_replies_and_reads_the_global_ones(
    demo: None,
) -> None:
    everywhere = reply("Herkese")
    ankara = reply("Ankara", office="ankara")
    reviewer = user("reviewer")  # Istanbul
    own = reply("Bizim", office="istanbul", by="reviewer")
    assert set(saved_replies_visible_to(reviewer)) == {everywhere, own}
    assert set(saved_replies_visible_to(user("quality"))) == {everywhere, ankara, own}
    with pytest.raises(FieldErrors) as refused:
        reply("Genel", by="reviewer")
    assert refused.value.fields["office"] == [
        "You may keep the saved replies of your own office only."]
    with pytest.raises(FieldErrors):
        reply("Ankara'ya", office="ankara", by="reviewer")
    with pytest.raises(NotPermitted):
        saved_reply_deactivate(actor=reviewer, reply=everywhere)
    with pytest.raises(NotPermitted):
        saved_reply_edit(actor=reviewer, reply=ankara, data=SavedReplyInput(
            title="x", body_tr="x", body_en="x", office="istanbul"))
    saved_reply_edit(actor=reviewer, reply=own, data=SavedReplyInput(
        title="Yeni ad", body_tr="{reference}", body_en="{reference}", office="istanbul"))
    own.refresh_from_db()
    assert (own.title, own.body_tr) == ("Yeni ad", "{reference}")
    assert AuditEvent.objects.filter(
        action="saved_reply.changed", object_id=str(own.pk)).exists()
    # A reviewer without an office sees and keeps none.
    unplaced = staff("reviewer2", "reviewer", office=None)
    assert not saved_replies_visible_to(unplaced).exists()


@pytest.mark.parametrize("role", ["agent", "handler", "auditor", "management", "privacy",
                                  "admin"])
def test_other_roles_may_not_manage_saved_replies(demo: None, role: str) -> None:
    member = user("manager" if role == "management" else role)
    with pytest.raises(NotPermitted):
        saved_reply_create(actor=member, data=SavedReplyInput(
            title="t", body_tr="b", body_en="b", office="istanbul"))
    assert not saved_replies_visible_to(member).exists()
