"""Every parser of outside input holds for any input (issue 13 item 2).

Property tests (Hypothesis, fixed seed): e-mail as it arrives (whole raw messages and
their headers), phone numbers, IMEIs and uploaded files' types. API payloads are fuzzed
against the OpenAPI document in tests/api/test_fuzz_stateful.py and test_openapi.py.
"""

from __future__ import annotations

from email.message import EmailMessage

import phonenumbers
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum import luhn

from memnun.feedback.attachments import ALLOWED_TYPES, sniff_content_type
from memnun.feedback.services.intake import _Errors, _normalise_imei, _normalise_phone
from memnun.mailin.parsing import address_of, mail_parse, plus_tag
from memnun.text import phone_e164

FIXED = settings(derandomize=True, max_examples=300, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow])

header_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=200)


@FIXED
@given(st.binary(max_size=4000))
def test_any_bytes_parse_as_a_mail_without_storing_nul(raw: bytes) -> None:
    parsed = mail_parse(raw)
    assert "\x00" not in parsed.text + parsed.subject + parsed.from_name
    assert 0 < len(parsed.message_id) <= 255
    assert parsed.size == len(raw)
    assert parsed.from_address == parsed.from_address.lower()


@settings(FIXED, max_examples=150)
@given(subject=header_text, sender=header_text, body=st.text(max_size=1000),
       message_id=header_text, date=header_text, references=header_text)
def test_any_header_values_parse(
    subject: str, sender: str, body: str, message_id: str, date: str, references: str,
) -> None:
    message = EmailMessage()
    for name, value in (("Subject", subject), ("From", sender), ("Message-ID", message_id),
                        ("Date", date), ("References", references)):
        try:
            message[name] = value
        except (ValueError, TypeError):  # the standard library refuses it on the way out
            continue
    message.set_content(body)
    try:
        raw = message.as_bytes()
    except (ValueError, TypeError, UnicodeError, LookupError):
        return
    parsed = mail_parse(raw)
    assert "\x00" not in parsed.subject and "\n" not in parsed.subject
    assert parsed.sent_at is None or parsed.sent_at.tzinfo is not None


@FIXED
@given(st.text(max_size=300))
def test_any_address_header_gives_a_plain_lowercase_address(value: str) -> None:
    address = address_of(value)
    assert address == address.lower()
    tag = plus_tag(address, "destek@example.com")
    if tag is not None:  # only ever for the box's own plus form
        assert address == f"destek+{tag}@example.com"


@FIXED
@given(tag=st.from_regex(r"[a-z0-9]{1,20}", fullmatch=True))
def test_a_plus_address_gives_its_tag(tag: str) -> None:
    assert plus_tag(f"Destek+{tag.upper()}@Example.com", "destek@example.com") == tag


@FIXED
@given(st.text(max_size=40))
def test_a_phone_is_stored_valid_and_in_e164_or_refused_with_a_message(raw: str) -> None:
    errors = _Errors()
    stored = _normalise_phone(raw, errors)
    if stored:
        assert not errors.fields
        number = phonenumbers.parse(stored)
        assert phonenumbers.is_valid_number(number)
        assert _normalise_phone(stored, _Errors()) == stored  # stable when read back
    else:
        assert bool(errors.fields) == bool(raw.strip())
    # Search finds what intake stored: both read a typed number through phone_e164.
    assert phone_e164(raw) == stored


@FIXED
@given(digits=st.from_regex(r"[0-9]{14}", fullmatch=True),
       separator=st.sampled_from(["", " ", "-", "  "]))
def test_a_valid_imei_is_taken_with_separators_and_stored_as_digits(
    digits: str, separator: str,
) -> None:
    imei = digits + luhn.calc_check_digit(digits)
    typed = separator.join([imei[:2], imei[2:8], imei[8:14], imei[14]])
    errors = _Errors()
    assert _normalise_imei(typed, errors) == imei
    assert not errors.fields


@FIXED
@given(st.text(max_size=40))
def test_any_imei_text_is_stored_valid_or_refused_with_a_message(raw: str) -> None:
    errors = _Errors()
    stored = _normalise_imei(raw, errors)
    if stored:
        assert len(stored) == 15 and stored.isdigit() and luhn.is_valid(stored)
        assert not errors.fields
    else:
        assert bool(errors.fields) == bool(raw.strip())


@FIXED
@given(st.binary(max_size=64))
def test_any_bytes_are_one_accepted_type_or_none(content: bytes) -> None:
    assert sniff_content_type(content) in ALLOWED_TYPES | {None}


@pytest.mark.parametrize(("head", "expected"), [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF89a", "image/gif"),
    (b"RIFF\x00\x00\x00\x00WEBP", "image/webp"),
])
def test_a_file_is_known_by_its_first_bytes_whatever_follows(head: bytes, expected: str) -> None:
    @FIXED
    @given(st.binary(max_size=256))
    def check(tail: bytes) -> None:
        assert sniff_content_type(head + tail) == expected

    check()
