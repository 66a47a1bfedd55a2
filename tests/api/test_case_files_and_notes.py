"""Files on a case (type checked, served only to those allowed), notes and messages."""

from __future__ import annotations

import base64
from collections.abc import Callable

import pytest
from django.test import Client

from memnun.audit.models import AuditEvent
from memnun.feedback.models import Attachment
from tests import files
from tests.casework import Case, StaffApi, case_in, staff

pytestmark = pytest.mark.django_db

PNG = files.PNG
PDF = files.PDF


@pytest.fixture
def staff_api(api: Client, staff_headers: Callable[[str], dict[str, str]]) -> StaffApi:
    return StaffApi(api, staff_headers)


def upload(staff_api: StaffApi, who: str, reference: str, content: bytes,
           filename: str = "fatura.pdf", content_type: str = "application/pdf") -> object:
    return staff_api.post(who, f"/feedback/{reference}/attachments", {
        "filename": filename, "content_type": content_type,
        "content_base64": base64.b64encode(content).decode(),
    })


def test_a_file_is_added_and_served_as_an_attachment(demo: None, staff_api: StaffApi) -> None:
    case = case_in("in_progress")
    response = upload(staff_api, "handler", case.reference, PDF)
    assert response.status_code == 201, response.content  # type: ignore[attr-defined]
    [shown] = response.json()["attachments"]  # type: ignore[attr-defined]
    assert shown["filename"] == "fatura.pdf" and shown["content_type"] == "application/pdf"
    download = staff_api.get("reviewer", f"/feedback/{case.reference}/attachments/{shown['id']}")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "fatura.pdf" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == PDF
    event = AuditEvent.objects.get(object_id=case.reference, action="feedback.attachment_added")
    assert event.actor == "handler" and event.data["size"] == len(PDF)


@pytest.mark.parametrize(
    ("content", "content_type"),
    [(b"MZ\x90\x00 not a picture", "image/png"), (PNG, "application/pdf"), (b"", "image/png")],
)
def test_only_pictures_and_pdfs_whose_bytes_match(
    demo: None, staff_api: StaffApi, content: bytes, content_type: str
) -> None:
    case = Case()
    response = upload(staff_api, "agent", case.reference, content, "x", content_type)
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert not Attachment.objects.exists()


def test_files_are_not_served_to_those_who_may_not_see_them(
    demo: None, staff_api: StaffApi
) -> None:
    staff("ankara_agent", "agent", "ankara")
    case = Case()
    [shown] = upload(staff_api, "agent", case.reference, PNG, "foto.png",  # type: ignore[attr-defined]
                     "image/png").json()["attachments"]
    path = f"/feedback/{case.reference}/attachments/{shown['id']}"
    for who in ("auditor", "admin", "ankara_agent"):
        response = staff_api.get(who, path)
        assert response.status_code == 404, who
        assert response.json()["error"] == "not_found"
    assert staff_api.get("auditor", f"/feedback/{case.reference}").json()["attachments"] == []
    other = Case()
    wrong_case = staff_api.get("agent", f"/feedback/{other.reference}/attachments/{shown['id']}")
    assert wrong_case.status_code == 404
    assert staff_api.client.get(f"/api/v1{path}").status_code == 401


def test_involved_people_are_recorded_by_staff(demo: None, staff_api: StaffApi) -> None:
    case = Case()
    path = f"/feedback/{case.reference}/involved"
    body = {"username": "handler", "role_in_subject": "onarım emrindeki teknisyen"}
    response = staff_api.post("agent", path, body)
    assert response.status_code == 201, response.content
    assert response.json()["involved"][0]["username"] == "handler"
    assert staff_api.post("agent", path, body).status_code == 409
    assert staff_api.post("agent", path, {**body, "username": "nobody"}).status_code == 422
    assert staff_api.post("auditor", path, {**body, "username": "reviewer"}).status_code == 403
    assigned = case_in("in_progress")
    refused = staff_api.post("agent", f"/feedback/{assigned.reference}/involved", body)
    assert refused.status_code == 409 and "assign" in refused.json()["detail"]


def test_someone_involved_does_not_speak_for_the_company(demo: None, staff_api: StaffApi) -> None:
    case = Case()
    staff_api.post("agent", f"/feedback/{case.reference}/involved",
                   {"username": "reviewer", "role_in_subject": "mağaza sorumlusu"})
    path = f"/feedback/{case.reference}/messages"
    message = staff_api.post("reviewer", path, {"body": "Merhaba"})
    assert message.status_code == 409
    note = staff_api.post("reviewer", f"/feedback/{case.reference}/notes", {"body": "Benim notum"})
    assert note.status_code == 201
