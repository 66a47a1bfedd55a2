"""The escalation ladder (RA-flow): who decides a case at each level, and every
escalation recorded with its reason, on the real database through the real services."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation

from memnun.audit.models import AuditEvent
from memnun.feedback.errors import Conflict, FieldErrors, NotPermitted
from memnun.feedback.escalation import DEFAULT_LADDER, ladder
from memnun.feedback.escalation_codes import EscalationReason, ExternalBody
from memnun.feedback.models import Escalation, EscalationLevel
from memnun.feedback.permissions import Action, may
from memnun.feedback.selectors.case import actions_now, case_timeline
from memnun.feedback.services.escalation import feedback_escalate, feedback_refer_external
from memnun.feedback.services.lifecycle import feedback_approve, feedback_reopen, feedback_send_back
from tests.casework import Case, StaffApi, case_in, user

pytestmark = pytest.mark.django_db

# Who approves at each level on the way up: the least role the default ladder asks for
# that may approve at all (the handler never approves: the matrix).
APPROVER = {0: "reviewer", 1: "reviewer", 2: "reviewer", 3: "quality", 4: "manager"}


def escalated_to(level: int) -> Case:
    """A complaint under review whose customer rejected `level` resolutions before."""
    case = case_in("under_review")
    for reached in range(level):
        case.approve(by=APPROVER[reached]).answer(accept=False)
        assert case.fresh().escalation_level == reached + 1
        case.propose()
    assert case.fresh().status == "under_review"
    return case


def test_the_migration_seeds_the_default_ladder(demo: None) -> None:
    rows = list(EscalationLevel.objects.values_list("order", "code", "minimum_role"))
    assert rows == [(lv.order, lv.code, lv.minimum_role) for lv in DEFAULT_LADDER]
    with translation.override("en"):
        assert ladder()[2].name == "Office reviewer"
    # A name given in the admin (a save: the cached ladder is dropped) shows instead of
    # the default, in its language.
    level = EscalationLevel.objects.get(order=2)
    level.name_tr, level.name_en = "Şube müdürü", "Branch manager"
    level.save()
    with translation.override("tr"):
        assert ladder()[2].name == "Şube müdürü"
    with translation.override("en"):
        assert ladder()[2].name == "Branch manager"


def test_a_level_2_case_refuses_a_handler_and_accepts_a_reviewer(demo: None) -> None:
    case = escalated_to(2)
    with translation.override("en"), pytest.raises(NotPermitted, match="escalation level 2"):
        feedback_approve(actor=user("handler"), feedback=case.fresh())
    assert case.fresh().status == "under_review"
    feedback_approve(actor=user("reviewer"), feedback=case.fresh())
    assert case.fresh().status == "resolved"


def test_a_level_3_case_needs_quality(demo: None) -> None:
    case = escalated_to(3)
    reviewer = user("reviewer")
    assert not may(reviewer, Action.APPROVE, case.fresh())
    assert not may(reviewer, Action.SEND_BACK, case.fresh())
    with translation.override("en"), pytest.raises(NotPermitted, match="Quality manager"):
        feedback_approve(actor=reviewer, feedback=case.fresh())
    with pytest.raises(NotPermitted):
        feedback_send_back(actor=reviewer, feedback=case.fresh(), reason="Eksik.")
    feedback_approve(actor=user("quality"), feedback=case.fresh())
    assert case.fresh().status == "resolved"


def test_a_level_4_case_needs_top_management_who_decides_nothing_below(demo: None) -> None:
    manager = user("manager")
    low = case_in("under_review")
    assert not may(manager, Action.APPROVE, low.feedback)
    with translation.override("en"), pytest.raises(NotPermitted, match="escalated to its level"):
        feedback_approve(actor=manager, feedback=low.fresh())

    case = escalated_to(4)
    with pytest.raises(NotPermitted):
        feedback_approve(actor=user("quality"), feedback=case.fresh())
    feedback_approve(actor=manager, feedback=case.fresh())
    assert case.fresh().status == "resolved"


def test_the_configured_ladder_rules_not_the_defaults(demo: None) -> None:
    """An administrator who asks for quality already at level 2 is obeyed."""
    level = EscalationLevel.objects.get(order=2)
    level.minimum_role = "quality"
    level.save()  # as the admin does
    case = escalated_to(2)
    with pytest.raises(NotPermitted):
        feedback_approve(actor=user("reviewer"), feedback=case.fresh())
    feedback_approve(actor=user("quality"), feedback=case.fresh())


def test_the_api_refuses_with_its_error_shape(
    demo: None, api: Client, staff_headers: Callable[[str], dict[str, str]]
) -> None:
    case = escalated_to(3)
    staff_api = StaffApi(api, staff_headers)
    refused = staff_api.transition("reviewer", case.reference, to="resolved")
    assert refused.status_code == 403
    body = refused.json()
    assert body["error"] == "forbidden" and "escalation level 3" in body["detail"]
    shown = staff_api.get("reviewer", f"/feedback/{case.reference}").json()
    assert shown["escalation_level"] == 3 and "approve" not in shown["allowed_actions"]
    assert staff_api.transition("quality", case.reference, to="resolved").status_code == 200


def test_each_escalation_is_recorded_with_its_reason_and_audited(demo: None) -> None:
    case = escalated_to(1)  # the customer rejected once
    feedback_escalate(actor=user("reviewer"), feedback=case.fresh(), reason="Basın ilgileniyor.")
    feedback = case.fresh()
    assert (feedback.escalation_level, feedback.status) == (2, "under_review")
    rows = list(Escalation.objects.filter(feedback=feedback).values_list(
        "reason", "from_level", "to_level", "by__username", "text"
    ))
    assert rows == [
        (EscalationReason.CUSTOMER_REJECTED, 0, 1, None, ""),
        (EscalationReason.MANUAL, 1, 2, "reviewer", "Basın ilgileniyor."),
    ]
    events = AuditEvent.objects.filter(
        object_id=feedback.reference, action="feedback.escalated"
    ).order_by("seq")
    assert [(e.actor, e.data["reason"], e.data["after"]["escalation_level"]) for e in events] == [
        ("", "customer_rejected", 1), ("reviewer", "manual", 2),
    ]
    assert all("Basın" not in str(e.data) for e in events)  # the words stay in the row
    with translation.override("en"):
        titles = [e.title for e in case_timeline(feedback=feedback) if e.kind == "escalation"]
    assert titles == ["Escalated to level 1: Complaints handler",
                      "Escalated to level 2: Office reviewer"]


def test_a_manual_escalation_needs_a_reason_and_a_role_from_reviewer_up(demo: None) -> None:
    case = case_in("in_progress")
    with pytest.raises(FieldErrors) as refused:
        feedback_escalate(actor=user("reviewer"), feedback=case.fresh(), reason="  ")
    assert "reason" in refused.value.fields
    for role in ("agent", "handler", "auditor", "manager"):
        with pytest.raises(NotPermitted):
            feedback_escalate(actor=user(role), feedback=case.fresh(), reason="Acil.")
    feedback_escalate(actor=user("quality"), feedback=case.fresh(), reason="Acil.")
    assert case.fresh().escalation_level == 1


def test_the_top_internal_level_refers_out_instead(demo: None) -> None:
    case = case_in("in_progress")
    for _ in range(4):
        feedback_escalate(actor=user("quality"), feedback=case.fresh(), reason="Acil.")
    assert case.fresh().escalation_level == 4
    offered = actions_now(user=user("quality"), feedback=case.fresh())
    assert Action.ESCALATE not in offered and Action.REFER_EXTERNAL in offered
    with translation.override("en"), pytest.raises(Conflict, match="external body"):
        feedback_escalate(actor=user("quality"), feedback=case.fresh(), reason="Acil.")


def test_a_reopening_escalates_and_the_top_of_the_ladder_holds(demo: None) -> None:
    case = case_in("closed")
    feedback_reopen(actor=user("agent"), feedback=case.fresh(), reason="Müşteri geri döndü.")
    assert case.fresh().escalation_level == 1
    [row] = Escalation.objects.filter(feedback=case.feedback)
    assert (row.reason, row.by.username) == (EscalationReason.REOPENED, "agent")

    top = escalated_to(4)
    top.approve(by="manager").answer(accept=False)
    assert top.fresh().escalation_level == 4  # no internal level above management
    assert Escalation.objects.filter(feedback=top.feedback).count() == 4


def test_a_referral_records_the_body_and_date_at_the_external_level(demo: None) -> None:
    case = case_in("closed")
    today = timezone.localdate()
    with pytest.raises(FieldErrors) as refused:
        feedback_refer_external(
            actor=user("reviewer"), feedback=case.fresh(), body=ExternalBody.ARBITRATION_BOARD,
            referred_on=today + timedelta(days=1),
        )
    assert "referred_on" in refused.value.fields
    with pytest.raises(NotPermitted):
        feedback_refer_external(
            actor=user("agent"), feedback=case.fresh(), body=ExternalBody.ARBITRATION_BOARD,
            referred_on=today,
        )
    feedback_refer_external(
        actor=user("reviewer"), feedback=case.fresh(), body=ExternalBody.ARBITRATION_BOARD,
        referred_on=date(2026, 1, 5), note="Müşteri Kadıköy hakem heyetine başvurdu.",
    )
    feedback = case.fresh()
    assert (feedback.escalation_level, feedback.status) == (5, "closed")
    [row] = Escalation.objects.filter(feedback=feedback)
    assert (row.reason, row.external_body, row.referred_on, row.from_level) == (
        EscalationReason.EXTERNAL_REFERRAL, "arbitration_board", date(2026, 1, 5), 0
    )
    with translation.override("en"):
        [entry] = [e for e in case_timeline(feedback=feedback) if e.kind == "escalation"]
    assert entry.title.startswith("Escalated to level 5: External recourse")
    assert "Consumer arbitration committee" in entry.detail and "05.01.2026" in entry.detail


def test_an_administrator_edits_the_ladder_in_the_admin(demo: None) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user("admin"))
    assert client.get("/admin/feedback/escalationlevel/").status_code == 200
    level_3 = EscalationLevel.objects.get(order=3)
    url = f"/admin/feedback/escalationlevel/{level_3.pk}/change/"
    form = {"order": "3", "code": "quality", "name_tr": "", "name_en": "",
            "minimum_role": "handler"}
    refused = client.post(url, form)
    assert refused.status_code == 200
    assert "The roles cannot fall as the levels rise" in refused.content.decode()
    too_high = client.post(f"/admin/feedback/escalationlevel/{level_3.pk - 1}/change/",
                           form | {"order": "2", "code": "office_reviewer",
                                   "minimum_role": "management"})
    assert "The roles cannot fall as the levels rise" in too_high.content.decode()
    assert EscalationLevel.objects.get(order=3).minimum_role == "quality"
    saved = client.post(url, form | {"minimum_role": "management", "name_en": "Board"})
    assert saved.status_code == 302
    with translation.override("en"):
        assert ladder()[3].name == "Board"
    case = escalated_to(3)
    with pytest.raises(NotPermitted):
        feedback_approve(actor=user("quality"), feedback=case.fresh())
