"""Each case form: the happy path through its service, and one refusal shown as it should be."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from memnun.feedback.codes import Closure, CompensationStatus, Status
from memnun.feedback.models import CaseMessage, Compensation, CustomerAnswer, InvolvedPerson
from tests import files
from tests.casework import Case, case_in, user
from tests.desk.helpers import all_groups_opened, signed_in

pytestmark = pytest.mark.django_db


def do(client: Client, case: Case, action: str, **fields: str) -> tuple[int, str, str]:
    response = client.post(
        f"/desk/feedback/{case.reference}/do/{action}",
        {f"{action}-{k}": v for k, v in fields.items()},
    )
    location = response.get("Location", "")
    body = response.content.decode()
    if response.status_code == 302:
        body = client.get(location).content.decode()
    return response.status_code, body, location


def test_start_with_assessment_and_the_handler_taking_it(demo: None) -> None:
    case = Case()
    status, html, location = do(
        signed_in("handler"), case, "start", assignee="handler", severity="high",
        category="repair-delay",
    )
    assert status == 302 and location == f"/desk/feedback/{case.reference}"
    assert "Work on the case has started." in html
    fresh = case.fresh()
    assert fresh.status == Status.IN_PROGRESS and fresh.assignee == user("handler")
    assert fresh.severity == "high"


def test_a_handler_may_not_give_a_case_to_someone_else(demo: None) -> None:
    case = Case()
    status, _html, _ = do(signed_in("handler"), case, "start", assignee="reviewer",
                         severity="low")
    assert status == 403 and case.fresh().status == Status.CREATED


def test_start_form_errors_sit_beside_the_fields(demo: None) -> None:
    status, html, _ = do(signed_in("reviewer"), Case(), "start", severity="")
    assert status == 422
    assert 'id="error-summary"' in html and 'href="#id_start-severity"' in html


def test_an_unclassified_complaint_is_not_offered_for_review_and_refused(demo: None) -> None:
    case = Case().start(category=None)
    client = signed_in("handler")
    page = all_groups_opened(client, f"/desk/feedback/{case.reference}")
    assert 'id="action-propose"' not in page and 'id="action-assess"' in page
    status, html, _ = do(
        client, case, "propose", resolution="Yarın değişecek.", root_cause="Parça geç geldi.",
        corrective_action="İkinci tedarikçi.", root_cause_category="part-supply",
        response_type="replace_part",
    )
    assert status == 409 and case.fresh().status == Status.IN_PROGRESS
    assert "A complaint cannot go to review without its category" in html


def test_the_propose_form_offers_the_root_cause_categories(demo: None) -> None:
    case = Case().start()
    page = all_groups_opened(signed_in("handler"), f"/desk/feedback/{case.reference}")
    assert 'id="id_propose-root_cause_category"' in page
    assert 'value="part-supply"' in page and 'value="workmanship"' in page


def test_propose_needs_root_cause_and_corrective_action_for_a_complaint(demo: None) -> None:
    case = Case().start()
    client = signed_in("handler")
    status, html, _ = do(
        client, case, "propose", resolution="Yarın değişecek.", response_type="explanation"
    )
    assert status == 409
    assert (
        "A resolution cannot go to review without: root_cause, corrective_action,"
        " root_cause_category." in html
    )
    assert 'role="alert" id="conflict"' in html
    status, html, _ = do(
        client, case, "propose", resolution="Yarın değişecek.", root_cause="Parça geç geldi.",
        corrective_action="İkinci tedarikçi.", root_cause_category="part-supply",
        response_type="replace_part",
    )
    assert status == 302 and case.fresh().status == Status.UNDER_REVIEW


def test_the_proposer_cannot_approve_their_own_proposal(demo: None) -> None:
    case = Case().start(assignee="reviewer")
    case.propose(by="reviewer")
    status, html, _ = do(signed_in("reviewer"), case, "approve")
    assert status == 409
    assert "You proposed this resolution: someone else must review it." in html
    assert case.fresh().status == Status.UNDER_REVIEW


def test_a_handler_cannot_approve(demo: None) -> None:
    case = case_in(Status.UNDER_REVIEW)
    status, _, _ = do(signed_in("handler"), case, "approve")
    assert status == 403


def test_approve_and_send_back(demo: None) -> None:
    case = case_in(Status.UNDER_REVIEW)
    status, html, _ = do(signed_in("reviewer"), case, "send-back", reason="")
    assert status == 422 and case.fresh().status == Status.UNDER_REVIEW
    status, _, _ = do(signed_in("reviewer"), case, "send-back", reason="Kök neden eksik.")
    assert status == 302 and case.fresh().status == Status.IN_PROGRESS
    case.propose()
    status, html, _ = do(signed_in("quality"), case, "approve", note="Uygun.")
    assert status == 302 and case.fresh().status == Status.RESOLVED
    assert "The resolution is approved" in html


def test_customer_answer_then_close_with_agreement(demo: None) -> None:
    case = case_in(Status.RESOLVED)
    client = signed_in("agent")
    status, _, _ = do(client, case, "answer", accept="yes", channel="phone", comment="Tamam")
    assert status == 302
    assert CustomerAnswer.objects.get(feedback=case.feedback).recorded_by == user("agent")
    status, html, _ = do(client, case, "answer", accept="yes", channel="phone")
    assert status == 409 and "No resolution awaits the customer&#x27;s answer." in html
    status, _, _ = do(signed_in("handler"), case, "close", closure=Closure.CUSTOMER_AGREED)
    assert status == 302
    fresh = case.fresh()
    assert fresh.status == Status.CLOSED and fresh.closure == Closure.CUSTOMER_AGREED


def test_only_quality_closes_with_options_exhausted(demo: None) -> None:
    case = case_in(Status.RESOLVED)
    reviewer = signed_in("reviewer").get(f"/desk/feedback/{case.reference}").content.decode()
    assert 'value="options_exhausted"' not in reviewer
    status, _, _ = do(signed_in("reviewer"), case, "close",
                      closure=Closure.OPTIONS_EXHAUSTED, external_recourse="Hakem heyeti")
    assert status == 422  # not a choice offered to a reviewer
    status, html, _ = do(signed_in("quality"), case, "close", closure=Closure.OPTIONS_EXHAUSTED)
    assert status == 409 and "external_recourse" in html
    status, _, _ = do(signed_in("quality"), case, "close", closure=Closure.OPTIONS_EXHAUSTED,
                      external_recourse="Tüketici hakem heyetine başvurabilirsiniz.")
    assert status == 302 and case.fresh().closure == Closure.OPTIONS_EXHAUSTED


def test_reopen_within_the_window_says_why(demo: None) -> None:
    case = case_in(Status.CLOSED)
    client = signed_in("agent")
    status, _, _ = do(client, case, "reopen", reason="")
    assert status == 422
    status, _, _ = do(client, case, "reopen", reason="Müşteri tekrar aradı.")
    assert status == 302
    assert case.fresh().status == Status.IN_PROGRESS and case.feedback.escalation_level == 1


def test_note_and_message(demo: None) -> None:
    case = Case()
    client = signed_in("agent")
    status, html, _ = do(client, case, "note", body="İç not")
    assert status == 302 and "İç not" in html
    status, _, _ = do(client, case, "message", body="Merhaba, inceliyoruz.")
    assert status == 302
    assert CaseMessage.objects.filter(feedback=case.feedback, visible_to_customer=True).exists()
    status, html, _ = do(client, case, "note", body="  ")
    assert status == 422


def test_involved_person_and_objectivity(demo: None) -> None:
    case = Case()
    client = signed_in("agent")
    status, html, _ = do(client, case, "involved", username="nobody", role_in_subject="x")
    assert status == 422 and "No member of staff has this username." in html
    status, _, _ = do(client, case, "involved", username="handler",
                      role_in_subject="Onarımı yapan teknisyen")
    assert status == 302 and InvolvedPerson.objects.filter(feedback=case.feedback).exists()
    status, html, _ = do(signed_in("handler"), case, "start", assignee="handler",
                         severity="low")
    assert status == 409 and "may not handle or decide it" in html


def test_manual_acknowledgement(demo: None) -> None:
    case = Case()
    from memnun.feedback.services.intake import CustomerInput, IntakeInput, feedback_record

    fax = feedback_record(actor=user("agent"), data=IntakeInput(
        type="complaint", channel="fax", subject="Faks", description="Faks ile geldi.",
        customer=CustomerInput(name="Ali Veli", phone="+905321234567"), privacy_notice=True,
    )).feedback
    case.feedback = fax
    client = signed_in("agent")
    future = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    status, html, _ = do(client, case, "acknowledge", method="phone", sent_at=future)
    assert status == 422 and "cannot be in the future" in html
    status, _, _ = do(client, case, "acknowledge", method="phone", sent_at="")
    assert status == 302
    fax.refresh_from_db()
    assert fax.ack_sent_at is not None and fax.ack_method == "phone"


def test_compensation_above_the_limit_waits_for_a_higher_role(demo: None) -> None:
    case = Case().start()
    status, _, _ = do(signed_in("handler"), case, "compensation", kind="refund",
                      amount="5000", legal_basis="6502 sayılı Kanun md. 11")
    assert status == 302
    compensation = Compensation.objects.get(feedback=case.feedback)
    assert compensation.status == CompensationStatus.PROPOSED
    status, _, _ = do(signed_in("handler"), case, "compensation-decision",
                      compensation=str(compensation.pk), approve="yes")
    assert status == 403  # a handler may not decide compensation
    status, _, _ = do(signed_in("reviewer"), case, "compensation-decision",
                      compensation=str(compensation.pk), approve="yes", reason="Uygun")
    assert status == 302
    compensation.refresh_from_db()
    assert compensation.status == CompensationStatus.APPROVED


def test_an_unknown_action_is_404(demo: None) -> None:
    assert signed_in("agent").post(f"/desk/feedback/{Case().reference}/do/explode").status_code \
        == 404


def test_reassign_to_a_named_handler_and_refuse_the_handler_doing_it(demo: None) -> None:
    from tests.casework import staff

    staff("handler2", "handler")
    case = case_in("in_progress")
    status, _, _ = do(signed_in("handler"), case, "reassign", assignee="handler2")
    assert status == 403  # handlers do not assign
    status, html, _ = do(signed_in("reviewer"), case, "reassign", assignee="handler2")
    assert status == 302 and "reassigned" in html
    assert case.fresh().assignee == user("handler2")


def test_revise_the_assessment(demo: None) -> None:
    case = case_in("in_progress")
    status, _, _ = do(signed_in("handler"), case, "assess", severity="critical",
                      category="battery-safety", safety_hazard="on")
    assert status == 302
    fresh = case.fresh()
    assert fresh.severity == "critical" and fresh.category is not None
    assert fresh.category.code == "battery-safety"


def test_add_a_file_checked_by_its_bytes(demo: None) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from memnun.feedback.models import Attachment

    case = case_in("in_progress")
    client = signed_in("agent")
    png = SimpleUploadedFile("fis.png", files.PNG, content_type="image/png")
    ok = client.post(f"/desk/feedback/{case.reference}/do/file", {"file-file": png})
    assert ok.status_code == 302
    assert Attachment.objects.filter(feedback=case.feedback, filename="fis.png").exists()
    exe = SimpleUploadedFile("fis.jpg", b"MZ\x90\0" + b"\0" * 32, content_type="image/jpeg")
    refused = client.post(f"/desk/feedback/{case.reference}/do/file", {"file-file": exe})
    assert refused.status_code == 422
    assert Attachment.objects.filter(feedback=case.feedback).count() == 1


def test_merge_a_duplicate_and_link_related_cases(demo: None) -> None:
    first, duplicate, related = Case(), Case(), Case(subject="Fatura hatası")
    client = signed_in("handler")
    status, _, _ = do(client, duplicate, "merge", reference=first.reference)
    assert status == 302
    merged = duplicate.fresh()
    assert merged.status == Status.CLOSED and merged.closure == Closure.MERGED
    status, _, _ = do(client, first, "link", reference=related.reference)
    assert status == 302
    from memnun.feedback.models import FeedbackLink

    assert FeedbackLink.objects.filter(
        from_feedback=first.feedback, to_feedback=related.feedback
    ).exists()
    status, html, _ = do(client, first, "merge", reference=first.reference)
    assert status == 409 and "merged into itself" in html
