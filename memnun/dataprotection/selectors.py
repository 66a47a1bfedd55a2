"""Reads of the breach register: the list, one breach, and the people a breach touched."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.translation import gettext as _

from memnun.accounts.models import User
from memnun.dataprotection.models import Breach, BreachStatus
from memnun.feedback.errors import NotFound, NotPermitted
from memnun.feedback.models import Feedback
from memnun.feedback.permissions import Action, role_actions


def breaches_readable(user: User) -> None:
    if Action.VIEW_BREACHES not in role_actions(user):
        raise NotPermitted(_("Your role may not read the breach register."))


def breaches_list(*, user: User) -> list[Breach]:
    """Every breach, the latest awareness first."""
    breaches_readable(user)
    return list(Breach.objects.prefetch_related("offices"))


def breach_open_counts() -> dict[str, int]:
    """Breaches not closed, by status: "open" (the Board not told yet, its 72 hours running)
    and "notified". Counts only, for operations (metrics); no register details."""
    counts = dict.fromkeys([str(s) for s in BreachStatus if s != BreachStatus.CLOSED], 0)
    counts.update(
        Breach.objects.exclude(status=BreachStatus.CLOSED)
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    return counts


def breach_get(*, user: User, breach_id: int) -> Breach:
    breaches_readable(user)
    breach = Breach.objects.prefetch_related("offices").filter(pk=breach_id).first()
    if breach is None:
        raise NotFound(_("No such breach."))
    return breach


@dataclass
class AffectedPerson:
    """One person whose data a breach may have touched: the cases that hold it."""

    name: str
    email: str
    phone: str
    language: str
    references: list[str] = field(default_factory=list)

    @property
    def reachable(self) -> bool:
        return bool(self.email or self.phone)


def breach_affected_people(*, breach: Breach) -> list[AffectedPerson]:
    """The distinct people behind the feedback received at the affected offices within the
    breach's time window (both ends included), one per e-mail address or phone number.

    Two cases are one person when they share the e-mail address (compared without case)
    or the phone number; a case with neither is a person of its own, who cannot be
    reached. In the order of their first case's receipt.
    """
    cases = (
        Feedback.objects.filter(
            office__in=breach.offices.all(),
            received_at__gte=breach.window_from, received_at__lte=breach.window_to,
        )
        .select_related("customer")
        .order_by("received_at", "id")
    )
    people: list[AffectedPerson] = []
    by_contact: dict[str, AffectedPerson] = {}
    for case in cases:
        customer = case.customer
        keys = [k for k in (f"e:{customer.email.strip().lower()}" if customer.email else "",
                            f"p:{customer.phone}" if customer.phone else "") if k]
        person = next((by_contact[k] for k in keys if k in by_contact), None)
        if person is None:
            person = AffectedPerson(
                name=customer.name, email=customer.email, phone=customer.phone,
                language=customer.language,
            )
            people.append(person)
        person.email = person.email or customer.email
        person.phone = person.phone or customer.phone
        person.name = person.name or customer.name
        person.references.append(case.reference)
        for key in keys:
            by_contact.setdefault(key, person)
    return people
