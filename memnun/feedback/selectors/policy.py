"""The policy as staff and customers read it, and who has not acknowledged it yet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Exists, OuterRef
from django.utils import timezone

from memnun.accounts.models import User
from memnun.accounts.roles import Role
from memnun.feedback.permissions import reports_office_scope
from memnun.feedback.selectors.case import staff_name
from memnun.governance.models import (
    PolicyAcknowledgement,
    PolicyStatus,
    PolicyVersion,
    RepresentativeAppointment,
)


def policy_current() -> PolicyVersion | None:
    """The published version: the one the portal shows and staff acknowledge."""
    return (
        PolicyVersion.objects.filter(status=PolicyStatus.PUBLISHED)
        .order_by("-published_at", "-number").first()
    )


def policy_versions() -> list[PolicyVersion]:
    return list(
        PolicyVersion.objects.select_related("drafted_by", "approved_by", "published_by")
        .order_by("-number")
    )


def acknowledgement_due(*, user: User) -> PolicyVersion | None:
    """The published version this member of staff has still to acknowledge, if any."""
    current = policy_current()
    if current is None or PolicyAcknowledgement.objects.filter(
        user=user, version=current
    ).exists():
        return None
    return current


@dataclass(frozen=True)
class StaffRow:
    username: str
    name: str
    role: str
    office: str
    last_acknowledged: int | None  # the latest version the person acknowledged


@dataclass(frozen=True)
class AppointmentRow:
    representative: str
    appointed_by: str
    starts_on: date
    ends_on: date | None
    text: str
    recorded_at: datetime
    in_force: bool


@dataclass(frozen=True)
class AcknowledgementReport:
    version: PolicyVersion | None
    office: str | None  # the office counted, None for every office
    staff: int  # active staff in scope
    pending: list[StaffRow]
    appointments: list[AppointmentRow]


def appointments(*, today: date | None = None) -> list[AppointmentRow]:
    """Every appointment of the management representative, the latest first."""
    day = today or timezone.localdate()
    return [
        AppointmentRow(
            representative=staff_name(a.user), appointed_by=staff_name(a.appointed_by),
            starts_on=a.starts_on, ends_on=a.ends_on, text=a.text, recorded_at=a.recorded_at,
            in_force=a.starts_on <= day and (a.ends_on is None or a.ends_on >= day),
        )
        for a in RepresentativeAppointment.objects.select_related("user", "appointed_by")
    ]


def acknowledgement_report(*, user: User, office: str | None = None) -> AcknowledgementReport:
    """Active staff (of the office in scope) who have not acknowledged the published version.

    Scoped like the reports (`reports_office_scope`): a team lead reads their own office.
    """
    scope = reports_office_scope(user=user, office=office)
    current = policy_current()
    staff = User.objects.filter(is_active=True)
    if scope is not None:
        staff = staff.filter(office__code=scope)
    pending: list[StaffRow] = []
    if current is not None:
        read = PolicyAcknowledgement.objects.filter(user=OuterRef("pk"), version=current)
        rows = (
            staff.annotate(read=Exists(read)).filter(read=False)
            .select_related("office").order_by("office__code", "username")
        )
        last = dict(
            PolicyAcknowledgement.objects.filter(user__in=rows.values("pk"))
            .order_by("user_id", "version__number")
            .values_list("user_id", "version__number")
        )
        pending = [
            StaffRow(
                username=u.username, name=staff_name(u), role=str(Role(u.role).label),
                office=u.office.name if u.office else "", last_acknowledged=last.get(u.pk),
            )
            for u in rows
        ]
    return AcknowledgementReport(
        version=current, office=scope, staff=staff.count(), pending=pending,
        appointments=appointments(),
    )
