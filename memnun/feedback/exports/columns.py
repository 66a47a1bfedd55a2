"""The case list's columns: an allow-list, and nothing about the customer.

Each column names the lookups it reads from a case. `personal_reads` holds
them against the personal-data registry (`feedback/personal_fields.py`): a
system check and a test refuse any column that reads a declared personal field
or anything of the customer row, so a personal field declared later cannot
reach an export through this list. A case is named by its reference; its
handler by username. Codes (channel, status, office…) stay codes: a file for
analysis reads the same in Turkish and English.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from memnun.feedback.exports.writers import Cell
from memnun.feedback.models import Feedback
from memnun.feedback.personal_fields import lookup_is_personal

Values = Mapping[str, Any]


@dataclass(frozen=True)
class Column:
    name: str  # the header: a stable code, documented in docs/reports.md
    reads: tuple[str, ...]
    value: Callable[[Values], Cell]


def _read(lookup: str) -> Column:
    return Column(lookup.split("__")[0], (lookup,), lambda row: row[lookup])


def _named(name: str, lookup: str) -> Column:
    return Column(name, (lookup,), lambda row: row[lookup] or None)


def _ack_on_time(row: Values) -> bool | None:
    # As the KPI counts it (catalogue `acknowledgement.on_time`): no deadline, nothing missed.
    sent, due = row["ack_sent_at"], row["ack_due_at"]
    if sent is None:
        return None
    return due is None or sent <= due


CASE_COLUMNS: tuple[Column, ...] = (
    _read("reference"),
    _read("type"),
    _read("channel"),
    _named("office", "office__code"),
    _named("brand", "brand__code"),
    _named("category", "category__code"),
    _read("status"),
    _read("received_at"),
    Column("acknowledged_at", ("ack_sent_at",), lambda row: row["ack_sent_at"]),
    Column("acknowledged_on_time", ("ack_sent_at", "ack_due_at"), _ack_on_time),
    _named("closure", "closure"),
    _read("closed_at"),
    _read("escalation_level"),
    Column("repeat", ("is_repeat",), lambda row: row["is_repeat"]),
    _named("survey_score", "survey__score"),
    _named("handler", "assignee__username"),
)
CASE_HEADER = [column.name for column in CASE_COLUMNS]


def case_reads(columns: tuple[Column, ...] = CASE_COLUMNS) -> list[str]:
    """The lookups the columns read, each once, in column order."""
    return list(dict.fromkeys(lookup for column in columns for lookup in column.reads))


def personal_reads(columns: tuple[Column, ...] = CASE_COLUMNS) -> list[str]:
    """The lookups of these columns that would read personal data: none, or no export."""
    return [lookup for lookup in case_reads(columns) if lookup_is_personal(lookup)]


CHUNK = 2000


def case_rows(cases: QuerySet[Feedback]) -> Iterator[list[Cell]]:
    """The cases as rows, streamed from the database in chunks (received first, first)."""
    reads = case_reads()
    values = cases.order_by("received_at", "pk").values(*reads)
    for row in values.iterator(chunk_size=CHUNK):
        yield [column.value(row) for column in CASE_COLUMNS]
