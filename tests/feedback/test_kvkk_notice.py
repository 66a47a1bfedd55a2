"""The privacy notice (KVKK Art. 10): versioned records, given on every channel, recorded
per case with its version, how and when; the forms warn against copying device content."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from memnun.audit.models import AuditEvent
from memnun.feedback.codes import Channel
from memnun.feedback.errors import FieldErrors
from memnun.feedback.models import Feedback
from memnun.feedback.privacy_models import NOTICE_TEXT_FIELDS, PrivacyNotice, notice_hash
from memnun.feedback.services.intake import CustomerInput, IntakeInput, feedback_record
from memnun.feedback.services.messaging import (
    acknowledgement_delivered,
    feedback_outbound_messages,
)
from memnun.feedback.services.privacy_notice import notice_current
from tests.casework import user
from tests.conftest import feedback_payload
from tests.desk.helpers import signed_in
from tests.feedback.cases import record

pytestmark = pytest.mark.django_db


def test_k1_the_current_notice_covers_article_10_and_its_hash_holds(demo: None) -> None:
    """K1: controller and contact (from settings), purposes, recipients with the e-mail and
    SMS providers, method and legal basis, every Art. 11 right, retention; hashed."""
    notice = notice_current()
    for text in (notice.text_en, notice.text_tr):
        assert settings.MEMNUN_CONTROLLER_NAME in text
        assert settings.MEMNUN_CONTROLLER_ADDRESS in text
        assert settings.MEMNUN_CONTROLLER_EMAIL in text
        assert settings.MEMNUN_EMAIL_PROVIDER in text and settings.MEMNUN_SMS_PROVIDER in text
        assert "5(2)" in text or "5/2" in text  # the legal basis, not consent
    assert all(f"({letter})" in notice.text_en for letter in "abcdefghi")  # Art. 11's rights
    assert all(f"({letter})" in notice.text_tr for letter in "abcçdefgğ")
    for words in ("Method and legal basis", "To whom we give it", "How long we keep it",
                  "Your rights (KVKK Art. 11)", "What we process and why"):
        assert words in notice.text_en
    assert notice.sha256 == notice_hash({n: getattr(notice, n) for n in NOTICE_TEXT_FIELDS})
    assert "call may be recorded" in notice.phone_script_en  # the call-recording notice


def test_k1_notice_version_and_how_it_was_given_recorded_per_channel(demo: None) -> None:
    """K1: each channel records the version in force and how the notice was given; where the
    customer wrote first it goes with the acknowledgement, stamped when that is delivered."""
    notice = notice_current()
    expected = {
        Channel.PHONE: "phone_script", Channel.FRONT_OFFICE: "in_person",
        Channel.FAX: "acknowledgement", Channel.LETTER: "acknowledgement",
        Channel.EMAIL: "acknowledgement",
    }
    cases = {channel: record(channel=channel) for channel in expected}
    for channel, feedback in cases.items():
        assert feedback.privacy_notice == notice, channel
        assert feedback.privacy_notice_version == notice.version
        assert feedback.privacy_notice_given == expected[channel], channel
        if expected[channel] == "acknowledgement":
            assert feedback.privacy_notice_at is None, channel  # not sent yet
        else:
            assert feedback.privacy_notice_at == feedback.received_at, channel

    # The e-mail's acknowledgement carries the full notice; its delivery stamps it as given.
    by_email = cases[Channel.EMAIL]
    ack = feedback_outbound_messages(feedback=by_email).get(kind="acknowledgement")
    assert notice.text_tr.splitlines()[1] in ack.text and f"sürüm {notice.version}" in ack.text
    delivered_at = timezone.now()
    acknowledgement_delivered(message_id=ack.pk, outcome="sent", at=delivered_at)
    by_email.refresh_from_db()
    assert by_email.privacy_notice_at == delivered_at
    event = AuditEvent.objects.filter(action="feedback.acknowledged",
                                      object_id=by_email.reference).get()
    assert event.data["after"]["privacy_notice_at"] is not None
    # A call's acknowledgement was given on the spot, and carries no notice in writing.
    assert not feedback_outbound_messages(feedback=cases[Channel.PHONE]).filter(
        kind="acknowledgement").exists()


def test_k1_web_intake_records_the_notice_given_on_the_web_page(demo: None, api: Client) -> None:
    """K1: the web form (and the public API) gives the notice before the data."""
    response = api.post("/api/v1/feedback", feedback_payload(), content_type="application/json")
    assert response.status_code == 201, response.content
    feedback = Feedback.objects.get(reference=response.json()["reference"])
    assert feedback.privacy_notice_given == "web_page"
    assert feedback.privacy_notice == notice_current()
    assert feedback.privacy_notice_at == feedback.received_at


def test_k1_written_channels_need_no_notice_tick_at_intake(demo: None) -> None:
    """K1: a letter cannot have been preceded by the notice; it is recorded anyway and the
    notice goes with the acknowledgement. A call without the notice is refused."""
    def unticked(channel: str) -> Feedback:
        return feedback_record(actor=user("agent"), data=IntakeInput(
            type="complaint", channel=channel, subject="Ekran", description="Gecikti.",
            customer=CustomerInput(name="Işıl Öztürk", address="Maltepe, İstanbul"),
            privacy_notice=False,
        )).feedback

    assert unticked("letter").privacy_notice_given == "acknowledgement"
    with pytest.raises(FieldErrors) as refused:
        unticked("phone")
    assert "consent.privacy_notice" in refused.value.fields


def test_k1_web_form_shows_the_summary_above_the_fields_and_the_full_text_a_link_away(
    demo: None,
) -> None:
    """K1: a short summary above the fields, the full notice one link away, in each language."""
    notice = notice_current()
    for language, summary, text in (("en", notice.summary_en, notice.text_en),
                                     ("tr", notice.summary_tr, notice.text_tr)):
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        form = client.get("/feedback/new/").content.decode()
        assert summary.split(" — ")[0] in form
        assert form.index('id="notice-title"') < form.index('name="subject"')
        assert 'href="/privacy/"' in form
        page = client.get("/privacy/").content.decode()
        assert text.splitlines()[1] in page and "(KVKK" in page
        assert notice.version in page and notice.sha256 in page


def test_k1_desk_intake_shows_the_phone_script_and_says_written_channels_get_it_later(
    demo: None,
) -> None:
    """K1: the phone intake shows the script to read; e-mail intake says it goes with the
    acknowledgement and asks for no tick."""
    client = signed_in("agent")
    phone = client.get("/desk/intake/phone/").content.decode()
    script = notice_current().phone_script_en
    assert script.replace("'", "&#x27;") in phone
    assert 'name="privacy_notice"' in phone
    email = client.get("/desk/intake/email/").content.decode()
    assert "goes out with the acknowledgement" in email
    assert 'name="privacy_notice"' not in email


def test_k13_intake_forms_warn_against_copying_device_content(demo: None) -> None:
    """K13: the portal and desk intake forms warn against copying handset content into notes."""
    warning = "Do not copy photos, messages or other content from the device"
    assert warning in Client(HTTP_ACCEPT_LANGUAGE="en").get("/feedback/new/").content.decode()
    assert warning in signed_in("agent").get("/desk/intake/phone/").content.decode()


def test_k1_an_empty_notice_table_is_seeded_again_from_the_product_text(demo: None) -> None:
    """K1: the current notice is never missing (a flushed database seeds it again)."""
    Feedback.objects.all().delete()
    PrivacyNotice.objects.all().delete()
    notice = notice_current()
    assert re.fullmatch(r"\d{4}-\d{2}", notice.version)
    assert settings.MEMNUN_CONTROLLER_NAME in notice.text_tr
