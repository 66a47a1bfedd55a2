"""The lifecycle through the API: who may make each move (403), and every refusal's reason (409)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client, override_settings
from django.utils import timezone, translation

from memnun.audit.chain import audit_verify
from memnun.audit.models import AuditEvent
from memnun.feedback.codes import ProposalDecision, Status
from memnun.feedback.errors import Conflict
from memnun.feedback.models import (
    CaseMessage,
    InvolvedPerson,
    ResolutionProposal,
    StageChange,
)
from memnun.feedback.moves import STATUS_CHANGES
from memnun.feedback.services.lifecycle import feedback_reopen
from tests.casework import Case, StaffApi, case_in, staff, user

pytestmark = pytest.mark.django_db

ROLES = ["agent", "handler", "reviewer", "quality", "auditor", "admin"]
ASSESSMENT = {"severity": "high", "safety_hazard": False, "category": "repair-delay"}
PROPOSAL = {
    "root_cause": "Yedek parça tedarikçiden geç geldi.",
    "root_cause_category": "part-supply",
    "corrective_action": "İkinci bir tedarikçiyle anlaşıldı.",
    "resolution": "Ekranınız yarın değiştirilecek. Gecikmenin nedeni parça tedarikiydi.",
}


@pytest.fixture
def staff_api(api: Client, staff_headers: Callable[[str], dict[str, str]]) -> StaffApi:
    return StaffApi(api, staff_headers)


def _accepted() -> Case:
    return case_in("resolved").answer(accept=True)


# move: (make the case, request (path suffix, body), status after, roles that may)
MOVE_TABLE: dict[str, tuple[Callable[[], Case], tuple[str, dict[str, Any]], str, set[str]]] = {
    "start": (
        lambda: case_in("created"),
        ("transition", {"to": "in_progress", "assignee": "handler", "assessment": ASSESSMENT}),
        "in_progress", {"handler", "reviewer", "quality"},
    ),
    "propose": (
        lambda: case_in("in_progress"),
        ("transition", {"to": "under_review", **PROPOSAL}),
        "under_review", {"handler", "reviewer", "quality"},
    ),
    "approve": (
        lambda: case_in("under_review"),
        ("transition", {"to": "resolved", "note": "Uygun."}),
        "resolved", {"reviewer", "quality"},
    ),
    "send_back": (
        lambda: case_in("under_review"),
        ("transition", {"to": "in_progress", "send_back_reason": "Kök neden belirsiz."}),
        "in_progress", {"reviewer", "quality"},
    ),
    "close_agreed": (
        _accepted,
        ("transition", {"to": "closed", "closure": "customer_agreed"}),
        "closed", {"handler", "reviewer", "quality"},
    ),
    "close_exhausted": (
        lambda: case_in("resolved"),
        ("transition", {"to": "closed", "closure": "options_exhausted",
                        "external_recourse": "Tüketici hakem heyetine başvurabilirsiniz."}),
        "closed", {"quality"},
    ),
    "reopen": (
        lambda: case_in("closed"),
        ("transition", {"to": "in_progress", "note": "Müşteri aynı arızayla geri geldi."}),
        "in_progress", {"agent", "handler", "reviewer", "quality"},
    ),
    "customer_rejects_by_phone": (
        lambda: case_in("resolved"),
        ("customer-answer", {"accept": False, "channel": "phone", "comment": "Yetersiz."}),
        "in_progress", {"agent", "handler", "reviewer", "quality"},
    ),
}
MOVE_ROWS = [(move, role) for move in MOVE_TABLE for role in ROLES]


@pytest.mark.parametrize(("move", "role"), MOVE_ROWS)
def test_who_may_make_each_move(demo: None, staff_api: StaffApi, move: str, role: str) -> None:
    make, (suffix, body), after, allowed = MOVE_TABLE[move]
    case = make()
    before = case.fresh().status
    response = staff_api.post(role, f"/feedback/{case.reference}/{suffix}", body)
    if role in allowed:
        assert response.status_code == 200, response.content
        assert response.json()["status"] == after
        assert case.fresh().status == after
    else:
        assert response.status_code == 403, response.content
        assert response.json()["error"] == "forbidden"
        assert case.fresh().status == before


def _involve(case: Case, username: str) -> Case:
    InvolvedPerson.objects.create(
        feedback=case.feedback, user=user(username), role_in_subject="onarımı yapan teknisyen",
        recorded_by=user("agent"), recorded_at=timezone.now(),
    )
    return case


def _reviewer_proposed() -> Case:
    return case_in("in_progress").propose(by="reviewer")


def _with_ankara_handler() -> Case:
    staff("ankara_handler", "handler", "ankara")
    return case_in("created")


def _closed_long_ago() -> Case:
    case = case_in("closed")
    case.feedback.closed_at = timezone.now() - timedelta(days=31)
    case.feedback.save(update_fields=["closed_at"])
    return case


# (make the case, who, body, words the reason must contain)
REFUSALS: dict[str, tuple[Callable[[], Case], str, dict[str, Any], str]] = {
    "skip a stage": (
        lambda: case_in("created"), "quality", {"to": "resolved"}, "cannot move to",
    ),
    "start without an assessment": (
        lambda: case_in("created"), "reviewer", {"to": "in_progress", "assignee": "handler"},
        "assessment",
    ),
    "start without an assignee": (
        lambda: case_in("created"), "reviewer",
        {"to": "in_progress", "assessment": ASSESSMENT}, "assignee",
    ),
    "assign an agent": (
        lambda: case_in("created"), "reviewer",
        {"to": "in_progress", "assignee": "agent", "assessment": ASSESSMENT}, "role",
    ),
    "assign the auditor": (
        lambda: case_in("created"), "quality",
        {"to": "in_progress", "assignee": "auditor", "assessment": ASSESSMENT}, "role",
    ),
    "assign a handler of another office": (
        _with_ankara_handler, "quality",
        {"to": "in_progress", "assignee": "ankara_handler", "assessment": ASSESSMENT},
        "another office",
    ),
    "assign someone involved in the subject": (
        lambda: _involve(case_in("created"), "handler"), "reviewer",
        {"to": "in_progress", "assignee": "handler", "assessment": ASSESSMENT}, "involved",
    ),
    "start while involved": (
        lambda: _involve(case_in("created"), "reviewer"), "reviewer",
        {"to": "in_progress", "assignee": "handler", "assessment": ASSESSMENT}, "involved",
    ),
    "propose a complaint without a root cause": (
        lambda: case_in("in_progress"), "handler",
        {"to": "under_review", "resolution": "Özür dileriz.", "corrective_action": "Eğitim."},
        "root_cause",
    ),
    "propose a complaint without a category": (
        lambda: Case().start(category=None), "handler",
        {"to": "under_review", **PROPOSAL}, "category",
    ),
    "propose a complaint without a root-cause category": (
        lambda: case_in("in_progress"), "handler",
        {"to": "under_review", **PROPOSAL, "root_cause_category": None}, "root_cause_category",
    ),
    "propose without a corrective action": (
        lambda: case_in("in_progress"), "handler",
        {"to": "under_review", "resolution": "Özür dileriz.", "root_cause": "Gecikme."},
        "corrective_action",
    ),
    "propose without a resolution": (
        lambda: case_in("in_progress", type="suggestion"), "handler",
        {"to": "under_review"}, "resolution",
    ),
    "propose while involved": (
        lambda: _involve(case_in("in_progress"), "reviewer"), "reviewer",
        {"to": "under_review", **PROPOSAL}, "involved",
    ),
    "approve one's own proposal": (
        _reviewer_proposed, "reviewer", {"to": "resolved"}, "someone else",
    ),
    "send back one's own proposal": (
        _reviewer_proposed, "reviewer",
        {"to": "in_progress", "send_back_reason": "Geri alıyorum."}, "someone else",
    ),
    "approve while involved": (
        lambda: _involve(case_in("under_review"), "reviewer"), "reviewer", {"to": "resolved"},
        "involved",
    ),
    "send back without a reason": (
        lambda: case_in("under_review"), "reviewer", {"to": "in_progress"}, "send_back_reason",
    ),
    "close under review": (
        lambda: case_in("under_review"), "quality",
        {"to": "closed", "closure": "customer_agreed"}, "cannot move to",
    ),
    "close without saying how": (
        lambda: case_in("resolved"), "handler", {"to": "closed"}, "how",
    ),
    "close as agreed without the agreement": (
        lambda: case_in("resolved"), "handler", {"to": "closed", "closure": "customer_agreed"},
        "agreement",
    ),
    "close a complaint as merely answered": (
        lambda: case_in("resolved"), "handler", {"to": "closed", "closure": "response_sent"},
        "complaint",
    ),
    "close as exhausted without the recourse": (
        lambda: case_in("resolved"), "quality", {"to": "closed", "closure": "options_exhausted"},
        "external_recourse",
    ),
    "close as exhausted before any decision": (
        lambda: case_in("in_progress"), "quality",
        {"to": "closed", "closure": "options_exhausted", "external_recourse": "Hakem heyeti."},
        "decision",
    ),
    "close while involved": (
        lambda: _involve(_accepted(), "reviewer"), "reviewer",
        {"to": "closed", "closure": "customer_agreed"}, "involved",
    ),
    "send a resolved case back by hand": (
        lambda: case_in("resolved"), "reviewer", {"to": "in_progress"}, "answer",
    ),
    "reopen without a reason": (
        lambda: case_in("closed"), "agent", {"to": "in_progress"}, "why",
    ),
    "reopen after the window": (
        _closed_long_ago, "agent", {"to": "in_progress", "note": "Geri geldi."}, "30 days",
    ),
    "reopen an open case": (
        lambda: case_in("in_progress"), "agent", {"to": "in_progress", "note": "?"},
        "cannot move to",
    ),
}


def test_a_complaint_classified_by_revising_the_assessment_may_then_be_proposed(
    demo: None, staff_api: StaffApi
) -> None:
    case = Case().start(category=None)
    refused = staff_api.transition("handler", case.reference, to="under_review", **PROPOSAL)
    assert refused.status_code == 409 and "category" in refused.json()["detail"]
    revised = staff_api.post(
        "handler", f"/feedback/{case.reference}/assessment",
        {"severity": "medium", "safety_hazard": False, "category": "parts"},
    )
    assert revised.status_code == 200, revised.content
    proposed = staff_api.transition("handler", case.reference, to="under_review", **PROPOSAL)
    assert proposed.status_code == 200, proposed.content
    assert case.fresh().status == Status.UNDER_REVIEW


def test_a_suggestion_needs_no_classification(demo: None, staff_api: StaffApi) -> None:
    case = Case(type="suggestion").start(category=None)
    proposed = staff_api.transition(
        "handler", case.reference, to="under_review", resolution="Önerinizi değerlendirdik."
    )
    assert proposed.status_code == 200, proposed.content


@pytest.mark.parametrize("name", list(REFUSALS))
def test_refused_moves_say_why(demo: None, staff_api: StaffApi, name: str) -> None:
    make, who, body, words = REFUSALS[name]
    case = make()
    before = case.fresh().status
    stages = StageChange.objects.filter(feedback=case.feedback).count()
    response = staff_api.transition(who, case.reference, **body)
    assert response.status_code == 409, response.content
    answer = response.json()
    assert answer["error"] == "conflict"
    assert words in answer["detail"], answer["detail"]
    assert case.fresh().status == before
    assert StageChange.objects.filter(feedback=case.feedback).count() == stages


def test_the_agreement_loop(demo: None, staff_api: StaffApi, api: Client) -> None:
    """Reject → in_progress one level up → propose → approve → accept → close."""
    case = Case()
    ref, code = case.reference, case.code
    track = f"/api/v1/track/{ref}"

    started = staff_api.transition(
        "reviewer", ref, to="in_progress", assignee="handler", assessment=ASSESSMENT
    )
    assert started.status_code == 200, started.content
    assert started.json()["assignee"] == "handler"
    assert started.json()["assessment"]["severity"] == "high"
    assert staff_api.transition("handler", ref, to="under_review", **PROPOSAL).status_code == 200
    assert api.get(track, {"code": code}).json()["awaiting_agreement"] is False
    assert staff_api.transition("reviewer", ref, to="resolved").status_code == 200

    tracked = api.get(track, {"code": code}).json()
    assert tracked["status"] == "resolved" and tracked["awaiting_agreement"] is True
    [decision] = tracked["messages"]
    assert PROPOSAL["resolution"] in decision["body"]
    assert "arbitration committee" in decision["body"] or "hakem" in decision["body"]
    assert decision["at"].endswith("+03:00")

    rejected = api.post(
        f"{track}/agreement", {"code": code, "accept": False, "comment": "Çok geç."},
        content_type="application/json",
    )
    assert rejected.status_code == 200, rejected.content
    assert rejected.json()["status"] == "in_progress"
    assert rejected.json()["awaiting_agreement"] is False
    feedback = case.fresh()
    assert feedback.escalation_level == 1
    [answer] = feedback.customer_answers.all()
    assert (answer.accept, answer.comment, answer.channel, answer.recorded_by) == (
        False, "Çok geç.", "web", None
    )
    again = api.post(f"{track}/agreement", {"code": code, "accept": True},
                     content_type="application/json")
    assert again.status_code == 409 and again.json()["error"] == "conflict"

    second = {**PROPOSAL, "resolution": "Cihazınız yenisiyle değiştirilecek."}
    assert staff_api.transition("handler", ref, to="under_review", **second).status_code == 200
    assert staff_api.transition("quality", ref, to="resolved").status_code == 200
    accepted = api.post(f"{track}/agreement", {"code": code, "accept": True},
                        content_type="application/json")
    assert accepted.status_code == 200
    assert accepted.json()["awaiting_agreement"] is False
    closed = staff_api.transition("handler", ref, to="closed", closure="customer_agreed")
    assert closed.status_code == 200, closed.content
    body = closed.json()
    assert body["status"] == "closed" and body["closure"] == "customer_agreed"
    assert body["escalation_level"] == 1
    assert [p["decision"] for p in body["proposals"]] == ["approved", "approved"]
    assert [a["accept"] for a in body["customer_answers"]] == [False, True]

    stages = [s["status"] for s in api.get(track, {"code": code}).json()["stages"]]
    assert stages == ["created", "in_progress", "under_review", "resolved", "in_progress",
                      "under_review", "resolved", "closed"]
    moves = AuditEvent.objects.filter(object_id=ref, action="feedback.moved")
    assert [e.data["move"] for e in moves] == [
        "start", "propose", "approve", "propose", "approve", "close"
    ]
    assert [e.actor for e in moves] == ["reviewer", "handler", "reviewer", "handler",
                                        "quality", "handler"]
    rejection = AuditEvent.objects.get(object_id=ref, action="feedback.resolution_rejected")
    assert rejection.actor == "" and rejection.data["after"]["escalation_level"] == 1
    trail = str(list(AuditEvent.objects.filter(object_id=ref).values_list("data", flat=True)))
    for personal in ("Işıl", "isil@example.com", "905321234567", "Çok geç", "Ekranınız"):
        assert personal not in trail
    assert audit_verify().ok


def test_send_back_keeps_the_proposal_and_its_reason(demo: None, staff_api: StaffApi) -> None:
    case = case_in("under_review")
    response = staff_api.transition(
        "reviewer", case.reference, to="in_progress", send_back_reason="Kök neden eksik."
    )
    assert response.status_code == 200
    proposal = ResolutionProposal.objects.get(feedback=case.feedback)
    assert proposal.decision == ProposalDecision.SENT_BACK
    assert proposal.reason == "Kök neden eksik." and proposal.decided_by == user("reviewer")
    assert response.json()["proposals"][0]["decision"] == "sent_back"


def test_options_exhausted_tells_the_customer_their_recourse(
    demo: None, staff_api: StaffApi, api: Client
) -> None:
    case = case_in("resolved").answer(accept=False)
    assert case.fresh().status == Status.IN_PROGRESS
    recourse = "Şikâyetinizle ilgili ilçe tüketici hakem heyetine başvurabilirsiniz."
    handler_try = staff_api.transition(
        "handler", case.reference, to="closed", closure="options_exhausted",
        external_recourse=recourse,
    )
    assert handler_try.status_code == 403
    response = staff_api.transition(
        "quality", case.reference, to="closed", closure="options_exhausted",
        external_recourse=recourse,
    )
    assert response.status_code == 200, response.content
    assert response.json()["closure"] == "options_exhausted"
    tracked = api.get(f"/api/v1/track/{case.reference}", {"code": case.code}).json()
    assert tracked["status"] == "closed"
    assert tracked["messages"][-1]["body"] == recourse


@pytest.mark.parametrize("kind", ["suggestion", "compliment", "request"])
def test_other_types_close_once_the_response_is_sent(
    demo: None, staff_api: StaffApi, api: Client, kind: str
) -> None:
    case = Case(type=kind).start()
    proposed = staff_api.transition(
        "handler", case.reference, to="under_review", resolution="Teşekkür ederiz."
    )
    assert proposed.status_code == 200, proposed.content
    assert staff_api.transition("reviewer", case.reference, to="resolved").status_code == 200
    tracked = api.get(f"/api/v1/track/{case.reference}", {"code": case.code}).json()
    assert tracked["awaiting_agreement"] is False
    assert [m["body"] for m in tracked["messages"]] == ["Teşekkür ederiz."]
    agreement = api.post(
        f"/api/v1/track/{case.reference}/agreement", {"code": case.code, "accept": True},
        content_type="application/json",
    )
    assert agreement.status_code == 409
    closed = staff_api.transition("handler", case.reference, to="closed", closure="response_sent")
    assert closed.status_code == 200 and closed.json()["closure"] == "response_sent"


def test_reopening_within_the_window_raises_the_escalation(demo: None) -> None:
    case = case_in("closed")
    closed_at = case.fresh().closed_at
    assert closed_at is not None
    with override_settings(MEMNUN_REOPEN_DAYS=10):
        feedback_reopen(actor=user("agent"), feedback=case.feedback, reason="Geri geldi.",
                        now=closed_at + timedelta(days=10))
    feedback = case.fresh()
    assert feedback.status == Status.IN_PROGRESS and feedback.escalation_level == 1
    assert feedback.closure == "" and feedback.closed_at is None
    assert feedback.assignee == user("handler")
    note = CaseMessage.objects.filter(feedback=feedback).last()
    assert note is not None and note.body == "Geri geldi." and not note.visible_to_customer


def test_after_the_window_the_return_becomes_linked_feedback(
    demo: None, staff_api: StaffApi
) -> None:
    case = case_in("closed")
    closed_at = case.fresh().closed_at
    assert closed_at is not None
    with (
        override_settings(MEMNUN_REOPEN_DAYS=10),
        translation.override("en"),
        pytest.raises(Conflict, match="10 days"),
    ):
        feedback_reopen(actor=user("agent"), feedback=case.feedback, reason="Geri geldi.",
                        now=closed_at + timedelta(days=10, seconds=1))
    follow_up = {"channel": "phone", "description": "Aynı arıza yeniden başladı."}
    # Within the window the case is reopened, not followed up.
    response = staff_api.post("agent", f"/feedback/{case.reference}/follow-up", follow_up)
    assert response.status_code == 409, response.content
    with override_settings(MEMNUN_REOPEN_DAYS=0):  # the window has passed
        response = staff_api.post("agent", f"/feedback/{case.reference}/follow-up", follow_up)
    assert response.status_code == 201, response.content
    new = response.json()
    assert new["status"] == "created" and new["reference"] != case.reference
    assert new["tracking_code"]
    old = staff_api.get("agent", f"/feedback/{case.reference}").json()
    assert old["status"] == "closed"
    assert old["links"] == [
        {"reference": new["reference"], "kind": "reopened_as", "direction": "out"}
    ]
    detail = staff_api.get("agent", f"/feedback/{new['reference']}").json()
    # The same customer (shown masked, as every role sees personal data on the API).
    followed = type(case.feedback).objects.get(reference=new["reference"])
    assert followed.customer.email == case.feedback.customer.email == "isil@example.com"
    assert detail["customer"]["email"] == "i***@e******.com"
    assert detail["subject"] == case.feedback.subject


def test_every_status_change_is_in_the_state_machine() -> None:
    statuses = set(Status.values)
    assert {s for pair in STATUS_CHANGES for s in pair} == statuses
    assert (Status.CREATED, Status.RESOLVED) not in STATUS_CHANGES
    assert all(target != Status.CREATED for _, target in STATUS_CHANGES)


def test_a_stale_request_meets_the_current_state(demo: None) -> None:
    """The service re-reads the row under its lock: a move made meanwhile wins."""
    from memnun.feedback.services.lifecycle import feedback_approve

    case = case_in("under_review")
    stale = case.fresh()
    feedback_approve(actor=user("reviewer"), feedback=case.feedback)
    with pytest.raises(Conflict):
        feedback_approve(actor=user("quality"), feedback=stale)
    assert ResolutionProposal.objects.get(feedback=stale).decided_by == user("reviewer")
