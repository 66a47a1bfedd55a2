"""Reference numbers and tracking codes.

A reference reads `YY-NNNNNN-C`: the year, a sequence within it (wider when a
year outgrows six digits) and a Damm check digit, which catches every single
mistyped digit and every swap of neighbouring digits. A reference alone never
shows a case: the tracking code is the secret, and only its keyed hash is kept.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import re
import secrets
from typing import TypeVar

from django.conf import settings
from django.db import DatabaseError, connection, connections, transaction
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
    call it inside the transaction that stores what the numbers name. One upsert
    makes the year's row or advances it and returns the new last number: the row
    stays locked until commit (PostgreSQL) or the write transaction is already
    exclusive (SQLite, IMMEDIATE), so concurrent writers never share a number.
    """
    table, year_col, last_col = map(
        connection.ops.quote_name, (model._meta.db_table, "year", "last")
    )
    # ON CONFLICT ... RETURNING: PostgreSQL, and SQLite from 3.35 (one statement, not three).
    # Names from the model's metadata, values as parameters.
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({year_col}, {last_col}) VALUES (%s, %s) "  # noqa: S608
            f"ON CONFLICT ({year_col}) DO UPDATE "
            f"SET {last_col} = {table}.{last_col} + excluded.{last_col} RETURNING {last_col}",
            [year, count],
        )
        (last,) = cursor.fetchone()
    return int(last)


# PostgreSQL: one SEQUENCE per year instead of the locked counter row, which held
# every intake in line until the previous one committed. nextval() never waits and
# is never rolled back, so a failed intake leaves a gap (docs/deploy.md).
# SQLite keeps the counter: its writers take turns anyway.
_SEQUENCES_MADE: set[tuple[str, int]] = set()


def _sequence_name(year: int) -> str:
    return f"feedback_reference_{int(year):04d}"


def _sequence_ensure(year: int) -> None:
    """Create the year's sequence once, committed at once on a side connection.

    Outside the caller's transaction, so that a rolled-back intake cannot take the
    sequence with it; IF NOT EXISTS plus the caught error make concurrent first
    calls (many servers at new year) safe.
    """
    key = (str(connection.settings_dict["NAME"]), year)
    if key in _SEQUENCES_MADE:
        return
    side = connections.create_connection(connection.alias)
    try:
        side.set_autocommit(True)
        with side.cursor() as cursor:
            # Start after what the counter row gave out before the switch (an older database).
            cursor.execute("SELECT last FROM feedback_referencecounter WHERE year = %s", [year])
            row = cursor.fetchone()
            start = (row[0] if row else 0) + 1
            # Two first calls at once: the loser's catalog insert fails; the sequence exists.
            with contextlib.suppress(DatabaseError):
                cursor.execute(
                    f"CREATE SEQUENCE IF NOT EXISTS {_sequence_name(year)} START WITH {int(start)}"
                )
    finally:
        side.close()
    _SEQUENCES_MADE.add(key)


def reference_numbers_take(*, year: int, count: int = 1) -> list[int]:
    """`count` new sequence numbers of the year, ascending; unique, not always contiguous."""
    if connection.vendor != "postgresql":
        last = year_counter_advance(ReferenceCounter, year=year, count=count)
        return list(range(last - count + 1, last + 1))
    _sequence_ensure(year)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(%s::regclass) FROM generate_series(1, %s)",
            [_sequence_name(year), count],
        )
        return sorted(row[0] for row in cursor.fetchall())


def reference_allocate(*, year: int) -> str:
    """The next reference of the year. Call inside the transaction that stores it."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("reference_allocate must run inside the case's transaction")
    (seq,) = reference_numbers_take(year=year)
    return reference_format(year=year, seq=seq)


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
