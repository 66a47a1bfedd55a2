"""Turkish-aware text helpers: casing and sorting that respect İ/ı, and how a moment is
written for people."""

from __future__ import annotations

import unicodedata
from datetime import datetime

import phonenumbers
from django.utils import timezone

_TR_LOWER = str.maketrans({"I": "ı", "İ": "i"})
_TR_UPPER = str.maketrans({"i": "İ", "ı": "I"})
# Turkish alphabetical order; other letters sort after, by code point.
_TR_ALPHABET = "abcçdefgğhıijklmnoöprsştuüvyz"
_TR_RANK = {ch: i for i, ch in enumerate(_TR_ALPHABET)}


def tr_lower(text: str) -> str:
    return unicodedata.normalize("NFC", text).translate(_TR_LOWER).lower()


def tr_upper(text: str) -> str:
    return unicodedata.normalize("NFC", text).translate(_TR_UPPER).upper()


def tr_fold(text: str) -> str:
    """A search key: Turkish lower case with collapsed spaces."""
    return " ".join(tr_lower(text).split())


def tr_sort_key(text: str) -> tuple[tuple[int, int], ...]:
    return tuple(
        (0, _TR_RANK[ch]) if ch in _TR_RANK else (1, ord(ch)) for ch in tr_lower(text)
    )


def phone_e164(raw: str) -> str:
    """A phone number as stored (E.164, Turkish numbers without the country code taken as
    Turkish); "" when it is not a valid number."""
    try:
        number = phonenumbers.parse(raw, "TR")
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_valid_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def moment_text(moment: datetime) -> str:
    """A moment as people read it: local time (Europe/Istanbul), `31.12.2026 17:45` (the
    templates' `date:"d.m.Y H:i"`)."""
    return timezone.localtime(moment).strftime("%d.%m.%Y %H:%M")
