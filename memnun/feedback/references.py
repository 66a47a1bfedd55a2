"""Reference numbers and tracking codes.

A reference reads `YY-NNNNNN-C`: the year, a sequence within it (wider when a
year outgrows six digits) and a Damm check digit, which catches every single
mistyped digit and every swap of neighbouring digits. A reference alone never
shows a case: the tracking code is the secret, and only its keyed hash is kept.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from typing import TypeVar

from django.conf import settings
from stdnum import damm

from memnun.feedback.capa_models import CapaCounter
from memnun.feedback.models import ReferenceCounter

_SEQ_WIDTH = 6
# No 0/O, 1/I/L: a code read over the phone must not be ambiguous.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_CODE_LENGTH = 8


def reference_format(*, year: int, seq: int) -> str:
    digits = f"{year % 100:02d}{seq:0{_SEQ_WIDTH}d}"
    return f"{digits[:2]}-{digits[2:]}-{damm.calc_check_digit(digits)}"


def reference_parse(raw: str) -> str | None:
    """The canonical form of a typed reference, or None when it cannot be one.

    Spaces and hyphens are ignored; a wrong check digit is rejected here, so a
    mistyped reference never reaches someone else's case.
    """
    digits = re.sub(r"[\s\-‐-―]", "", raw or "")
    if not digits.isascii() or not digits.isdigit() or not 9 <= len(digits) <= 16:
        return None
    if not damm.is_valid(digits):
        return None
    body = digits[:-1]
    return f"{body[:2]}-{body[2:]}-{digits[-1]}"


# The yearly counters: one row per year with the last number given out.
YearCounter = TypeVar("YearCounter", ReferenceCounter, CapaCounter)


def year_counter_advance(model: type[YearCounter], *, year: int, count: int = 1) -> int:
    """Give out the next `count` numbers of a yearly sequence; the last one given.

    The one mechanism behind every yearly number (case references, CAPA numbers):
    call it inside the transaction that stores what the numbers name. The year's
    row is made once, then locked (PostgreSQL) or the write transaction is already
    exclusive (SQLite, IMMEDIATE), so concurrent writers never share a number.
    """
    model.objects.bulk_create([model(year=year, last=0)], ignore_conflicts=True)
    counter = model.objects.select_for_update().get(year=year)
    counter.last += count
    counter.save(update_fields=["last"])
    return counter.last


def reference_allocate(*, year: int) -> str:
    """The next reference of the year. Call inside the transaction that stores it."""
    return reference_format(year=year, seq=year_counter_advance(ReferenceCounter, year=year))


def tracking_code_new() -> str:
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def _normalise_code(code: str) -> str:
    return re.sub(r"[^0-9A-Za-z]", "", code or "").upper()


def tracking_code_hash(code: str) -> str:
    key = settings.TRACKING_CODE_KEY.encode()
    return hmac.new(key, _normalise_code(code).encode(), hashlib.sha256).hexdigest()


def tracking_code_matches(code: str, stored_hash: str) -> bool:
    return hmac.compare_digest(tracking_code_hash(code), stored_hash)
