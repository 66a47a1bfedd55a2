"""Merging a duplicate into the case that carries on (both histories kept), and linking."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from memnun.audit.models import AuditEvent
from memnun.feedback.codes import Closure, LinkKind, Status
from memnun.feedback.models import FeedbackLink
from memnun.feedback.services.intake import CustomerInput
from tests.casework import Case, StaffApi, case_in

pytestmark = pytest.mark.django_db

SOMEONE_ELSE = CustomerInput(name="Kerem Aksoy", email="kerem@example.com", phone="+905551112233")


@pytest.fixture
def staff_api(api: Client, staff_headers: Callable[[str], dict[str, str]]) -> StaffApi:
    return StaffApi(api, staff_headers)


def test_a_duplicate_is_merged_keeping_both_histories(
    demo: None, staff_api: StaffApi, api: Client
) -> None:
    kept = case_in("in_progress")
    duplicate = Case(subject="Ekran hâlâ değişmedi")  # same customer, by e-mail and phone
    staff_api.post("agent", f"/feedback/{duplicate.reference}/notes", {"body": "İkinci arama."})
    response = staff_api.post(
        "handler", f"/feedback/{duplicate.reference}/merge",
        {"into": kept.reference, "note": "Aynı onarım."},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["reference"] == kept.reference and body["status"] == "in_progress"
    assert {"reference": duplicate.reference, "kind": "duplicate", "direction": "in"} in (
        body["links"]
    )
    assert any(duplicate.reference in m["body"] and not m["visible_to_customer"]
               for m in body["messages"])

    gone = duplicate.fresh()
    assert gone.status == Status.CLOSED and gone.closure == Closure.MERGED
    assert FeedbackLink.objects.filter(
        from_feedback=gone, to_feedback=kept.feedback, kind=LinkKind.DUPLICATE
    ).exists()
    old = staff_api.get("handler", f"/feedback/{duplicate.reference}").json()
    assert [s["status"] for s in old["stages"]] == ["created", "closed"]
    assert old["messages"][0]["body"] == "İkinci arama."  # its own history stays readable
    tracked = api.get(f"/api/v1/track/{duplicate.reference}", {"code": duplicate.code}).json()
    assert tracked["status"] == "closed"
    assert kept.reference in tracked["messages"][-1]["body"]
    assert AuditEvent.objects.get(object_id=duplicate.reference, action="feedback.merged").data[
        "into"] == kept.reference
    assert AuditEvent.objects.get(
        object_id=kept.reference, action="feedback.merge_received"
    ).actor == "handler"


def test_what_cannot_be_merged(demo: None, staff_api: StaffApi) -> None:
    kept = case_in("in_progress")

    def merge(duplicate: str, into: str, who: str = "handler") -> int:
        response = staff_api.post(who, f"/feedback/{duplicate}/merge", {"into": into})
        return int(response.status_code)

    assert merge(kept.reference, kept.reference) == 409
    assert merge(Case(customer=SOMEONE_ELSE).reference, kept.reference) == 409
    assert merge(Case().reference, case_in("closed").reference) == 409
    assert merge(case_in("closed").reference, kept.reference) == 409
    assert merge(Case().reference, kept.reference, who="agent") == 403
    assert merge(Case().reference, kept.reference, who="auditor") == 403
    assert merge(Case(office="ankara").reference, kept.reference) == 404  # not visible to them
    assert kept.fresh().status == Status.IN_PROGRESS


def test_a_merged_case_is_neither_reopened_nor_surveyed(
    demo: None, staff_api: StaffApi, api: Client
) -> None:
    kept, duplicate = case_in("in_progress"), Case()
    staff_api.post("handler", f"/feedback/{duplicate.reference}/merge", {"into": kept.reference})
    reopen = staff_api.transition("agent", duplicate.reference, to="in_progress", note="?")
    assert reopen.status_code == 409 and "merged" in reopen.json()["detail"]
    survey = api.post(f"/api/v1/track/{duplicate.reference}/survey",
                      {"code": duplicate.code, "score": 5}, content_type="application/json")
    assert survey.status_code == 409


def test_related_cases_are_linked_once(demo: None, staff_api: StaffApi) -> None:
    a, b = Case(), Case(customer=SOMEONE_ELSE)
    first = staff_api.post("agent", f"/feedback/{a.reference}/links", {"to": b.reference})
    assert first.status_code == 201, first.content
    assert first.json()["links"] == [{"reference": b.reference, "kind": "related",
                                      "direction": "out"}]
    assert staff_api.post("agent", f"/feedback/{b.reference}/links",
                          {"to": a.reference}).status_code == 409
    assert staff_api.post("agent", f"/feedback/{a.reference}/links",
                          {"to": a.reference}).status_code == 409
    assert staff_api.post("auditor", f"/feedback/{a.reference}/links",
                          {"to": b.reference}).status_code == 403
    assert AuditEvent.objects.filter(object_id=a.reference, action="feedback.linked").count() == 1
