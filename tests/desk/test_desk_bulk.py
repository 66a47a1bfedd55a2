"""Bulk actions on the queue's selection: each case through the single action's service."""

from __future__ import annotations

import pytest
from django.test import Client

from memnun.accounts.roles import Role
from memnun.audit.models import AuditEvent
from memnun.feedback.codes import Closure, LinkKind, Status
from memnun.feedback.models import CaseMessage, FeedbackLink
from memnun.feedback.services.intake import CustomerInput
from tests.casework import Case, staff, user
from tests.desk.helpers import signed_in

pytestmark = pytest.mark.django_db

OTHER_CUSTOMER = CustomerInput(
    name="Kerem Aksoy", email="kerem@example.com", phone="+905329876543",
    preferred_contact="email",
)


def bulk(client: Client, action: str, cases: list[Case], **fields: object) -> tuple[int, str]:
    """Post the bar's form as a browser without script would; the page it lands on."""
    data = {"action": action, "case": [c.reference for c in cases], "next": "/desk/queue/",
            **fields}
    response = client.post("/desk/queue/bulk", data)
    if response.status_code == 302:
        assert response["Location"] == "/desk/queue/"
        return 302, client.get(response["Location"]).content.decode()
    return response.status_code, response.content.decode()


def events(action: str, case: Case) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, object_id=case.reference))


def test_bulk_assign_gives_each_case_to_the_person_with_the_same_audit_events(
    demo: None,
) -> None:
    staff("handler2", Role.HANDLER)
    first, second = Case().start(), Case().start()
    status, page = bulk(signed_in("reviewer"), "assign", [first, second], assignee="handler2")
    assert status == 302
    assert "Assign: done for 2 cases." in page
    for case in (first, second):
        assert case.fresh().assignee == user("handler2")
        [event] = events("feedback.assigned", case)[-1:]
        assert event.actor == "reviewer"
        assert event.data["after"] == {"assignee": "handler2"}


def test_a_mixed_selection_reports_each_refusal_and_changes_only_the_allowed(
    demo: None,
) -> None:
    staff("handler2", Role.HANDLER)
    allowed = Case().start()
    new = Case()  # not started: a new case is assigned when it is started
    already = Case().start(assignee="handler2")
    before = AuditEvent.objects.filter(action="feedback.assigned").count()
    status, page = bulk(signed_in("reviewer"), "assign", [allowed, new, already],
                        assignee="handler2")
    assert status == 302
    assert "Assign: done for 1 case." in page
    assert (f"{new.reference} refused: Only a case being worked can be reassigned; a new case"
            " is assigned when it is started.") in page
    assert f"{already.reference} refused: The case is already assigned to handler2." in page
    assert allowed.fresh().assignee == user("handler2")
    assert new.fresh().assignee is None and new.fresh().status == Status.CREATED
    assert AuditEvent.objects.filter(action="feedback.assigned").count() == before + 1


def test_a_handler_may_not_bulk_assign_and_is_not_offered_it(demo: None) -> None:
    case = Case().start()
    client = signed_in("handler")
    queue = client.get("/desk/queue/").content.decode()
    assert 'id="bulk-action"' in queue and 'value="assign"' not in queue
    assert 'value="note"' in queue and 'value="merge"' in queue
    status, page = bulk(client, "assign", [case], assignee="reviewer")
    assert status == 403 and "Your role may not do this." in page
    assert case.fresh().assignee == user("handler")
    assert not events("feedback.assigned", case)[1:]


def test_bulk_category_changes_only_the_category_through_the_assessment(demo: None) -> None:
    first, second = Case().start(), Case().start()
    status, page = bulk(signed_in("reviewer"), "category", [first, second], category="parts")
    assert status == 302 and "Change the category: done for 2 cases." in page
    for case in (first, second):
        fresh = case.fresh()
        assert fresh.category is not None and fresh.category.code == "parts"
        assert fresh.severity == "medium" and not fresh.safety_hazard
        event = events("feedback.assessed", case)[-1]
        assert event.data["before"]["category"] == "repair-delay"
        assert event.data["after"]["category"] == "parts"


def test_a_handler_changes_the_category_of_their_own_cases_only(demo: None) -> None:
    staff("handler2", Role.HANDLER)
    mine, theirs = Case().start(), Case().start(assignee="handler2")
    status, page = bulk(signed_in("handler"), "category", [mine, theirs], category="pricing")
    assert status == 302 and "done for 1 case." in page
    assert (f"{theirs.reference} refused: Only the case&#x27;s assignee, a team lead or a"
            " quality manager may do this.") in page
    assert mine.fresh().category.code == "pricing"  # type: ignore[union-attr]
    assert theirs.fresh().category.code == "repair-delay"  # type: ignore[union-attr]


def test_bulk_note_adds_an_internal_note_to_each_case(demo: None) -> None:
    first, second = Case(), Case().start()
    status, page = bulk(signed_in("agent"), "note", [first, second],
                        body="Müşteri tekrar aradı.")
    assert status == 302 and "Add an internal note: done for 2 cases." in page
    for case in (first, second):
        note = CaseMessage.objects.get(feedback=case.fresh(), body="Müşteri tekrar aradı.")
        assert not note.visible_to_customer
        assert events("feedback.note_added", case)[-1].data == {"message_id": note.pk}


def test_merge_keeps_the_chosen_survivor_and_closes_the_duplicates(demo: None) -> None:
    survivor, dup1, dup2 = Case().start(), Case().start(), Case()
    stranger = Case(customer=OTHER_CUSTOMER)
    status, page = bulk(signed_in("reviewer"), "merge", [dup1, survivor, dup2, stranger],
                        survivor=survivor.reference)
    assert status == 302 and "done for 2 cases." in page
    assert (f"{stranger.reference} refused: Only feedback from the same customer can be"
            " merged.") in page
    assert survivor.fresh().status == Status.IN_PROGRESS
    for dup in (dup1, dup2):
        fresh = dup.fresh()
        assert fresh.status == Status.CLOSED and fresh.closure == Closure.MERGED
        assert FeedbackLink.objects.filter(
            from_feedback=fresh, to_feedback=survivor.feedback, kind=LinkKind.DUPLICATE
        ).exists()
        assert events("feedback.merged", dup)[-1].data["into"] == survivor.reference
    assert len(events("feedback.merge_received", survivor)) == 2
    assert stranger.fresh().status == Status.CREATED


@pytest.mark.parametrize(("action", "fields", "message"), [
    ("assign", {"case": []}, "Select at least one case."),
    ("promote", {}, "Select a valid choice."),
    ("note", {"case": ["12345"]}, "is not a reference number."),
    ("merge", {}, "Give the reference of the case that carries on."),
    ("category", {}, "Choose a category."),
])
def test_bad_input_is_a_form_message_and_changes_nothing(
    demo: None, action: str, fields: dict[str, object], message: str
) -> None:
    case = Case().start()
    count = AuditEvent.objects.count()
    status, page = bulk(signed_in("reviewer"), action, [case], body="", **fields)
    assert status == 422 and message in page
    assert AuditEvent.objects.count() == count


def test_a_case_of_another_office_stops_the_whole_selection(demo: None) -> None:
    mine, elsewhere = Case(), Case(office="ankara")
    status, page = bulk(signed_in("reviewer"), "note", [mine, elsewhere], body="Not yet.")
    assert status == 422
    assert f"No such feedback: {elsewhere.reference}. Nothing was changed." in page
    assert not CaseMessage.objects.filter(body="Not yet.").exists()


def test_select_all_on_this_page_takes_every_listed_case_without_script(demo: None) -> None:
    first, second = Case(), Case()
    response = signed_in("agent").post("/desk/queue/bulk", {
        "action": "note", "all": "on", "page": [first.reference, second.reference],
        "body": "Hepsine.", "next": "/desk/queue/?type=complaint",
    })
    assert response.status_code == 302 and response["Location"] == "/desk/queue/?type=complaint"
    assert CaseMessage.objects.filter(body="Hepsine.").count() == 2


def test_htmx_gets_the_result_in_place(demo: None) -> None:
    staff("handler2", Role.HANDLER)
    done, new = Case().start(), Case()
    client = signed_in("reviewer")
    response = client.post("/desk/queue/bulk", {
        "action": "assign", "case": [done.reference, new.reference], "assignee": "handler2",
        "next": "/desk/queue/",
    }, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "Assign: done for 1 case." in html and "1 case was refused:" in html
    assert f'href="/desk/feedback/{new.reference}"' in html
    bad = client.post("/desk/queue/bulk", {"action": "assign", "next": "/desk/queue/"},
                      HTTP_HX_REQUEST="true")
    assert bad.status_code == 200 and "Select at least one case." in bad.content.decode()


def test_the_queue_offers_labelled_checkboxes_only_to_roles_that_may_act(demo: None) -> None:
    case = Case()
    page = signed_in("reviewer").get("/desk/queue/").content.decode()
    assert f'form="bulk" name="case" value="{case.reference}"' in page
    assert f"Select {case.reference}</label>" in page
    assert 'id="bulk-all"' in page
    auditor = signed_in("auditor").get("/desk/queue/").content.decode()
    assert 'form="bulk"' not in auditor and 'id="bulk"' not in auditor
