"""Compensation: recorded with its legal basis; above a role's limit a higher role approves."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client, override_settings

from memnun.audit.models import AuditEvent
from memnun.feedback.codes import CompensationStatus
from memnun.feedback.errors import Conflict
from memnun.feedback.models import Compensation
from memnun.feedback.services.compensation import compensation_decide, compensation_propose
from tests.casework import StaffApi, case_in, user

pytestmark = pytest.mark.django_db

BASIS = "6502 sayılı Kanun md. 11: ayıplı hizmet nedeniyle bedel iadesi."


@pytest.fixture
def staff_api(api: Client, staff_headers: Callable[[str], dict[str, str]]) -> StaffApi:
    return StaffApi(api, staff_headers)


def propose(staff_api: StaffApi, who: str, reference: str, amount: str) -> dict[str, object]:
    response = staff_api.post(
        who, f"/feedback/{reference}/compensations",
        {"kind": "refund", "amount": amount, "legal_basis": BASIS},
    )
    assert response.status_code == 201, response.content
    return dict(response.json()["compensations"][-1])


@pytest.mark.parametrize(
    ("who", "amount", "status"),
    [
        ("handler", "2000.00", "approved"),
        ("handler", "2000.01", "proposed"),
        ("reviewer", "10000", "approved"),
        ("reviewer", "10000.50", "proposed"),
        ("quality", "250000", "approved"),
    ],
)
def test_within_ones_own_limit_it_is_approved_at_once(
    demo: None, staff_api: StaffApi, who: str, amount: str, status: str
) -> None:
    case = case_in("in_progress")
    shown = propose(staff_api, who, case.reference, amount)
    assert shown["status"] == status and shown["proposed_by"] == who
    assert shown["approved_by"] is None and shown["currency"] == "TRY"
    assert Decimal(str(shown["amount"])) == Decimal(amount)
    event = AuditEvent.objects.get(object_id=case.reference, action="compensation.proposed")
    assert event.data["within_own_limit"] is (status == "approved")


@pytest.mark.parametrize(
    ("amount", "approver", "expected"),
    [
        ("5000", "handler", 403),  # no authority to approve
        ("5000", "agent", 403),
        ("5000", "auditor", 403),
        ("5000", "admin", 403),
        ("5000", "reviewer", 200),
        ("5000", "quality", 200),
        ("15000", "reviewer", 403),  # above the reviewer's own limit
        ("15000", "quality", 200),
    ],
)
def test_above_the_limit_a_higher_role_approves(
    demo: None, staff_api: StaffApi, amount: str, approver: str, expected: int
) -> None:
    case = case_in("in_progress")
    shown = propose(staff_api, "handler", case.reference, amount)
    response = staff_api.post(
        approver, f"/feedback/{case.reference}/compensations/{shown['id']}/decision",
        {"approve": True, "reason": "Ayıplı hizmet."},
    )
    assert response.status_code == expected, response.content
    row = Compensation.objects.get(pk=shown["id"])
    if expected == 200:
        assert row.status == CompensationStatus.APPROVED and row.approved_by == user(approver)
        assert AuditEvent.objects.filter(
            object_id=case.reference, action="compensation.approved", actor=approver
        ).exists()
    else:
        assert row.status == CompensationStatus.PROPOSED and row.approved_by is None


def test_nobody_approves_their_own_proposal(demo: None) -> None:
    case = case_in("in_progress")
    row = compensation_propose(actor=user("reviewer"), feedback=case.feedback, kind="voucher",
                               amount=Decimal("12000"), legal_basis=BASIS)
    assert row.status == CompensationStatus.PROPOSED
    # Even once the limit would allow it, the proposer is not the one to decide.
    with (
        override_settings(MEMNUN_COMPENSATION_LIMITS={"reviewer": 50_000, "quality": None}),
        pytest.raises(Conflict),
    ):
        compensation_decide(actor=user("reviewer"), compensation=row, approve=True)
    decided = compensation_decide(actor=user("quality"), compensation=row, approve=False,
                                  reason="Hizmet kusuru yok.")
    assert decided.status == CompensationStatus.REJECTED and decided.rejected_by == user("quality")
    with pytest.raises(Conflict):
        compensation_decide(actor=user("quality"), compensation=row, approve=True)


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "refund", "amount": "-1", "legal_basis": BASIS},
        {"kind": "refund", "amount": "10.001", "legal_basis": BASIS},
        {"kind": "refund", "amount": "100", "legal_basis": ""},
        {"kind": "cash", "amount": "100", "legal_basis": BASIS},
    ],
)
def test_kind_amount_and_legal_basis_are_checked(
    demo: None, staff_api: StaffApi, body: dict[str, str]
) -> None:
    case = case_in("in_progress")
    response = staff_api.post("handler", f"/feedback/{case.reference}/compensations", body)
    assert response.status_code == 422
    assert not Compensation.objects.exists()


def test_only_while_the_case_is_worked(demo: None, staff_api: StaffApi) -> None:
    for status in ("created", "closed"):
        case = case_in(status)
        response = staff_api.post(
            "quality", f"/feedback/{case.reference}/compensations",
            {"kind": "free_repair", "amount": "0", "legal_basis": BASIS},
        )
        assert response.status_code == 409, status


def test_a_handler_compensates_only_on_their_own_cases(demo: None) -> None:
    from memnun.feedback.errors import NotPermitted
    from tests.casework import staff

    other = staff("handler2", "handler")
    case = case_in("in_progress")
    with pytest.raises(NotPermitted):
        compensation_propose(actor=other, feedback=case.feedback, kind="refund",
                             amount=Decimal(100), legal_basis=BASIS)
