"""Who is told about an office's cases: its team leads and its quality managers."""

from __future__ import annotations

from django.db.models import Q

from memnun.accounts.models import User
from memnun.accounts.roles import Role


def office_quality_managers(*, office_id: int) -> list[User]:
    """Active quality managers serving the office: those of every office or of this one."""
    return list(
        User.objects.filter(is_active=True, role=Role.QUALITY)
        .filter(Q(office_id__isnull=True) | Q(office_id=office_id))
        .select_related("office__calendar")
        .order_by("id")
    )


def privacy_contacts() -> list[User]:
    """The active personal-data contacts (role `privacy`): told of personal-data matters."""
    return list(
        User.objects.filter(is_active=True, role=Role.PRIVACY)
        .select_related("office__calendar")
        .order_by("id")
    )


def office_leads(*, office_id: int) -> list[User]:
    """The office's team leads (its active reviewers); its quality managers when it has none.

    Warned before a deadline passes and alerted to a safety hazard.
    """
    reviewers = list(
        User.objects.filter(is_active=True, role=Role.REVIEWER, office_id=office_id)
        .select_related("office__calendar")
        .order_by("id")
    )
    return reviewers or office_quality_managers(office_id=office_id)
