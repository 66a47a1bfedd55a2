"""Finding cases: by reference, customer name, phone, e-mail or IMEI, within what a user may see.

One search box: what was typed decides where to look. A reference (with or
without hyphens, its check digit verified) finds that case; an e-mail address
its customer's cases; a 15-digit IMEI the device's; a phone number, read the
way intake reads it, the customer's; anything else is part of a name, folded
the Turkish way ("IŞIL" finds "Işıl", "istanbul" finds "İstanbul").
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from stdnum import imei as stdnum_imei

from memnun.accounts.models import User
from memnun.feedback.models import Feedback
from memnun.feedback.permissions import feedback_visible_to
from memnun.feedback.references import reference_parse
from memnun.text import phone_e164, tr_fold

SEARCH_LIMIT = 50
_MIN_NAME = 2


@dataclass(frozen=True)
class CaseFilters:
    """Objective filters on the case itself (never on who the customer is)."""

    office: str = ""
    status: str = ""
    type: str = ""
    channel: str = ""


def search_conditions(query: str) -> list[Q]:
    """Where to look for what was typed: each condition one indexed lookup; none when it
    cannot match anything. Digits may read several ways at once (one phone number or
    IMEI in ten also passes a reference's check digit): each reading is looked up."""
    text = query.strip()
    if not text:
        return []
    if "@" in text:
        return [Q(customer__email=text.lower())]
    reference = reference_parse(text)
    compact = "".join(ch for ch in text if not ch.isspace() and ch not in "-()./")
    if compact.lstrip("+").isdigit():
        found = [Q(reference=reference)] if reference else []
        if len(compact) == 15 and stdnum_imei.is_valid(compact):
            found.append(Q(imei=compact))
        phone = phone_e164(text)
        if phone:
            found.append(Q(customer__phone=phone))
        return found
    if reference:
        return [Q(reference=reference)]  # written with other dashes than the hyphen
    folded = tr_fold(text)
    if len(folded) < _MIN_NAME:
        return []
    return [Q(customer__name_folded__contains=folded)]


def cases_filtered(*, user: User, filters: CaseFilters) -> QuerySet[Feedback]:
    """The cases the user may see, narrowed by the filters."""
    qs = feedback_visible_to(user)
    if filters.office:
        qs = qs.filter(office__code=filters.office)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.type:
        qs = qs.filter(type=filters.type)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    return qs


def feedback_search(
    *, user: User, query: str, filters: CaseFilters | None = None, narrowed_by: Q | None = None,
    limit: int = SEARCH_LIMIT,
) -> list[Feedback]:
    """Cases matching the query that the user may see, the latest received first.

    `narrowed_by`: a further condition, the work filters of the list searched from
    (work_filters.work_condition), so a search inside a view stays inside it."""
    cases = cases_filtered(user=user, filters=filters or CaseFilters()).select_related(
        "office", "customer"
    )
    found: dict[int, Feedback] = {}
    # One query per reading, not one OR: an OR across the customer join, or with a
    # subquery, made both databases read every case (seconds at 1,000,000).
    for condition in search_conditions(query):
        if narrowed_by is not None:
            condition &= narrowed_by
        for case in cases.filter(condition).order_by("-received_at", "-id")[:limit]:
            found[case.pk] = case
    return sorted(found.values(), key=lambda c: (c.received_at, c.pk), reverse=True)[:limit]
