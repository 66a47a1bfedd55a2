"""Repeat detection (R8.2b): other feedback that shares an identifier with a case.

Two cases are repeats of each other when they were received within
`MEMNUN_REPEAT_WINDOW_DAYS` of each other and share the device's IMEI, the
repair order, or the customer's phone or e-mail. The window is counted both
ways from the case's receipt, so the older case shows the newer one too.

Computed at read time: one UNION of four indexed equality lookups (the columns
are indexed for it), never a scan. Blank values never match (a case without an
IMEI, or anonymised, repeats nothing). The matched value itself is not
returned: it is personal data, and the kind of match says enough.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from itertools import combinations
from typing import Literal

from django.conf import settings
from django.db.models import CharField, QuerySet, Value
from django.utils.translation import gettext_lazy as _

from memnun.compiledsql import CompiledExists
from memnun.feedback.models import Feedback

Match = Literal["imei", "repair_order", "phone", "email"]
# The strongest match first: when another case shares several values, it is listed once,
# by the first of these (a device identifier says more than a shared household phone).
MATCHES: tuple[Match, ...] = ("imei", "repair_order", "phone", "email")
# How the desk names each kind of match (never the value matched).
MATCH_LABELS = {
    "imei": _("Same IMEI"), "repair_order": _("Same repair order"),
    "phone": _("Same phone number"), "email": _("Same e-mail address"),
}
# Where each kind of match is read (the repeat clusters report reads the same columns).
MATCH_COLUMNS: dict[Match, str] = {
    "imei": "imei", "repair_order": "repair_order",
    "phone": "customer__phone", "email": "customer__email",
}


@dataclass(frozen=True)
class Repeat:
    reference: str
    received_at: datetime
    match: Match

    @property
    def label(self) -> str:
        return str(MATCH_LABELS[self.match])


def repeat_window_days() -> int:
    """How many days apart two cases may be received and still be repeats."""
    days: int = settings.MEMNUN_REPEAT_WINDOW_DAYS
    return days


def _around(received_at: datetime) -> tuple[datetime, datetime]:
    """The window of a case received at `received_at`: the first and last receipt times
    that still repeat it (both ends included)."""
    window = timedelta(days=repeat_window_days())
    return received_at - window, received_at + window


def _identifiers(
    *, imei: str, repair_order: str, phone: str, email: str
) -> dict[Match, str]:
    given: dict[Match, str] = {
        "imei": imei, "repair_order": repair_order, "phone": phone, "email": email,
    }
    # In the order of MATCHES: the compiled checks below are keyed by it.
    return {match: given[match] for match in MATCHES if given[match]}


def _branch(match: Match, value: str, since: datetime, until: datetime) -> QuerySet[Feedback]:
    """The rule, for one kind of match: the feedback of the window sharing `value`."""
    return Feedback.objects.filter(
        received_at__gte=since, received_at__lte=until, **{MATCH_COLUMNS[match]: value}
    )


def _sharing(
    *, identifiers: dict[Match, str], since: datetime, until: datetime, exclude_pk: int | None
) -> list[QuerySet[Feedback, tuple[str, datetime, str]]]:
    branches: list[QuerySet[Feedback, tuple[str, datetime, str]]] = []
    for match, value in identifiers.items():
        rows = _branch(match, value, since, until)
        if exclude_pk is not None:
            rows = rows.exclude(pk=exclude_pk)
        branches.append(
            rows.annotate(match=Value(match, output_field=CharField()))
            .order_by()
            .values_list("reference", "received_at", "match")
        )
    return branches


def repeats_of(*, feedback: Feedback) -> list[Repeat]:
    """The other feedback of the window sharing an identifier with this one, newest first."""
    identifiers = _identifiers(
        imei=feedback.imei, repair_order=feedback.repair_order,
        phone=feedback.customer.phone, email=feedback.customer.email,
    )
    since, until = _around(feedback.received_at)
    branches = _sharing(identifiers=identifiers, since=since, until=until, exclude_pk=feedback.pk)
    if not branches:
        return []
    rows = branches[0].union(*branches[1:], all=True) if len(branches) > 1 else branches[0]
    found: dict[str, Repeat] = {}
    for reference, received_at, name in rows:
        match = next(m for m in MATCHES if m == name)
        known = found.get(reference)
        if known is None or MATCHES.index(match) < MATCHES.index(known.match):
            found[reference] = Repeat(reference, received_at, match)
    return sorted(found.values(), key=lambda r: (r.received_at, r.reference), reverse=True)


def _exists_branches(
    matches: tuple[Match, ...], since: datetime, until: datetime, *values: str
) -> list[QuerySet[Feedback]]:
    return [_branch(m, v, since, until) for m, v in zip(matches, values, strict=True)]


# The intake's check, asked on every case: compiled once per process and set of matches
# given (in the order of MATCHES, which `_identifiers` keeps) from the rule above, as
# building the query with the ORM each time cost more CPU than the database's answer
# (issue 14).
_EXISTS = {
    matches: CompiledExists(
        partial(_exists_branches, matches), datetime, datetime, *[str] * len(matches)
    )
    for size in range(1, len(MATCHES) + 1)
    for matches in combinations(MATCHES, size)
}


def repeat_exists(
    *, imei: str, repair_order: str, phone: str, email: str, received_at: datetime
) -> bool:
    """Whether feedback with these identifiers would repeat another of the window (intake).

    The same lookups as `repeats_of`, asked as one query: each branch an EXISTS of its
    own, so that each keeps its indexed equality lookup."""
    identifiers = _identifiers(imei=imei, repair_order=repair_order, phone=phone, email=email)
    if not identifiers:
        return False
    since, until = _around(received_at)
    return _EXISTS[tuple(identifiers)].exists(since, until, *identifiers.values())
