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
from typing import Any, Literal

from django.conf import settings
from django.db import connection
from django.db.models import CharField, Model, Q, QuerySet, Value
from django.utils.translation import gettext_lazy as _

from memnun.feedback.models import Customer, Feedback

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


def _quoted_column(model: type[Model], name: str) -> str:
    return connection.ops.quote_name(str(getattr(model._meta.get_field(name), "column", "")))


def _column(match: Match) -> tuple[bool, str]:
    """Where `MATCH_COLUMNS[match]` lives: (on the customer?, its quoted column)."""
    path = MATCH_COLUMNS[match].split("__")
    return len(path) > 1, _quoted_column(Customer if len(path) > 1 else Feedback, path[-1])


# The SQL of the intake's check, per set of matches given: built once per process, as
# building the query with the ORM each time cost more CPU than the database's answer.
_EXISTS_SQL: dict[tuple[Match, ...], str] = {}


def _exists_sql(matches: tuple[Match, ...]) -> str:
    if matches not in _EXISTS_SQL:
        q = connection.ops.quote_name
        feedback, customer = q(Feedback._meta.db_table), q(Customer._meta.db_table)
        joined = (
            f"{feedback} INNER JOIN {customer} ON ({feedback}."
            f"{_quoted_column(Feedback, 'customer')} = {customer}.{_quoted_column(Customer, 'id')})"
        )
        received = f"{feedback}.{_quoted_column(Feedback, 'received_at')}"
        branches = []
        for match in matches:
            on_customer, column = _column(match)
            # Names from the models' metadata, values as parameters.
            branches.append(
                f"EXISTS (SELECT 1 FROM {joined if on_customer else feedback} "  # noqa: S608
                f"WHERE {received} >= %s AND {received} <= %s "
                f"AND {customer if on_customer else feedback}.{column} = %s)"
            )
        _EXISTS_SQL[matches] = "SELECT " + " OR ".join(branches)
    return _EXISTS_SQL[matches]


def repeat_exists(
    *, imei: str, repair_order: str, phone: str, email: str, received_at: datetime
) -> bool:
    """Whether feedback with these identifiers would repeat another of the window (intake).

    The same lookups as `repeats_of`, asked as one query: each branch an EXISTS of its
    own, so that each keeps its indexed equality lookup."""
    identifiers = _identifiers(imei=imei, repair_order=repair_order, phone=phone, email=email)
    if not identifiers:
        return False
    window = _window()
    adapt = connection.ops.adapt_datetimefield_value
    since, until = adapt(received_at - window), adapt(received_at + window)
    params: list[Any] = []
    for value in identifiers.values():
        params += [since, until, value]
    with connection.cursor() as cursor:
        cursor.execute(_exists_sql(tuple(identifiers)), params)
        (found,) = cursor.fetchone()
    return bool(found)
