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
from typing import Literal

from django.conf import settings
from django.db.models import CharField, Q, QuerySet, Value
from django.utils.translation import gettext_lazy as _

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


def _window() -> timedelta:
    return timedelta(days=repeat_window_days())


def _identifiers(
    *, imei: str, repair_order: str, phone: str, email: str
) -> dict[Match, str]:
    given: dict[Match, str] = {
        "imei": imei, "repair_order": repair_order, "phone": phone, "email": email,
    }
    return {match: value for match, value in given.items() if value}


def _sharing(
    *, identifiers: dict[Match, str], received_at: datetime, exclude_pk: int | None
) -> list[QuerySet[Feedback, tuple[str, datetime, str]]]:
    window = _window()
    around = Q(received_at__gte=received_at - window, received_at__lte=received_at + window)
    branches: list[QuerySet[Feedback, tuple[str, datetime, str]]] = []
    for match, value in identifiers.items():
        rows = Feedback.objects.filter(around, **{MATCH_COLUMNS[match]: value})
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
    branches = _sharing(
        identifiers=identifiers, received_at=feedback.received_at, exclude_pk=feedback.pk
    )
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


def repeat_exists(
    *, imei: str, repair_order: str, phone: str, email: str, received_at: datetime,
    exclude_pk: int | None = None,
) -> bool:
    """Whether feedback with these identifiers would repeat another of the window (intake)."""
    identifiers = _identifiers(imei=imei, repair_order=repair_order, phone=phone, email=email)
    return any(
        branch.exists()
        for branch in _sharing(
            identifiers=identifiers, received_at=received_at, exclude_pk=exclude_pk
        )
    )
