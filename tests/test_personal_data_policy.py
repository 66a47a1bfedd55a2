"""Personal data through one policy: each (field, role, interface) row run against the real
interface — the API's case, the desk's case page, the outbound messages in /admin/, and the
export projection every export calls."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from memnun.accounts.models import User
from memnun.audit.models import AuditEvent
from memnun.feedback.models import Feedback
from memnun.feedback.personal_fields import (
    CASE_TEXT_FIELDS,
    IDENTIFYING_FIELDS,
    case_text_values,
    identifying_values,
)
from memnun.feedback.services.notes import attachment_add
from memnun.notifications.models import OutboundMessage
from memnun.organisation.models import Office
from memnun.personaldata.fields import PersonalField
from memnun.personaldata.policy import export_projection
from tests import files
from tests.casework import staff
from tests.conftest import feedback_payload
from tests.desk.helpers import signed_in

pytestmark = pytest.mark.django_db

DESCRIPTION = "Telefonum üç haftadır serviste, ekran hâlâ değişmedi."
# Each field's whole value, and how it looks masked (one look everywhere).
LOOKS: dict[str, tuple[str, str]] = {
    "name": ("Işıl Öztürk", "I*** Ö*****"),
    "email": ("isil@example.com", "i***@e******.com"),
    "phone": ("+905321234567", "+**********67"),
    "imei": ("490154203237518", "*************18"),
    "device_serial": ("SN-ABC12345", "********345"),
    "repair_order": ("RO-2026-0042", "*********042"),
    "address": ("Bağdat Caddesi 12 Kadıköy", "B***** C****** 1** K******"),
    "description": (DESCRIPTION, f"[hidden: {len(DESCRIPTION)} characters]"),
}
ROLES = (
    "agent", "handler", "reviewer", "quality", "auditor", "management", "privacy", "admin",
)
# The demo users are named after their roles, but for top management's `manager`.
USERNAME = {role: role for role in ROLES} | {"management": "manager"}
# W whole, M masked, H hidden; one letter a role, in ROLES' order.
TABLE: list[tuple[str, str, str]] = [
    ("name", "api", "MMMMMMMM"),
    ("email", "api", "MMMMMMMM"),
    ("phone", "api", "MMMMMMMM"),
    ("imei", "api", "MMMMMMMM"),
    ("device_serial", "api", "MMMMMMMM"),
    ("repair_order", "api", "MMMMMMMM"),
    ("address", "api", "MMMMMMMM"),
    ("description", "api", "WWWWHHWH"),
    ("name", "desk", "MMMMMMMM"),
    ("email", "desk", "MMMMMMMM"),
    ("phone", "desk", "MMMMMMMM"),
    ("imei", "desk", "MMMMMMMM"),
    ("device_serial", "desk", "MMMMMMMM"),
    ("repair_order", "desk", "MMMMMMMM"),
    ("address", "desk", "MMMMMMMM"),
    ("description", "desk", "WWWWHHWH"),
    ("name", "export", "MMMMMMMM"),
    ("email", "export", "MMMMMMMM"),
    ("phone", "export", "MMMMMMMM"),
    ("imei", "export", "MMMMMMMM"),
    ("device_serial", "export", "MMMMMMMM"),
    ("repair_order", "export", "MMMMMMMM"),
    ("address", "export", "MMMMMMMM"),
    ("description", "export", "WWWWHHWH"),
    # Only the administrator signs in to /admin/: an outbound message's recipient and text.
    ("email", "admin", ".......M"),
    ("description", "admin", ".......H"),
]
ROWS = [
    pytest.param(field, role, interface, expected, id=f"{field}-{role}-{interface}")
    for field, interface, looks in TABLE
    for role, expected in zip(ROLES, looks, strict=True)
    if expected != "."
]


def _case(api: Client, staff_headers: Callable[[str], dict[str, str]]) -> Feedback:
    payload = feedback_payload(
        channel="email", description=DESCRIPTION, imei=LOOKS["imei"][0],
        device_serial=LOOKS["device_serial"][0], repair_order=LOOKS["repair_order"][0],
    )
    payload["customer"]["address"] = LOOKS["address"][0]
    response = api.post("/api/v1/feedback", payload, content_type="application/json",
                        headers=staff_headers("agent"))
    assert response.status_code == 201, response.content
    return Feedback.objects.select_related("customer").get(
        reference=response.json()["reference"])


def _api(api: Client, headers: dict[str, str], feedback: Feedback, field: str) -> str:
    # The expected looks are written in English (the API speaks Turkish by default).
    body = api.get(f"/api/v1/feedback/{feedback.reference}",
                   headers=headers | {"Accept-Language": "en"}).json()
    return str(body["customer"][field] if field in body["customer"] else body[field])


def _in_page(page: str, whole: str, shown: str) -> str:
    """Which of the two the page shows (it must show exactly one)."""
    text = html.unescape(page)
    found = [v for v in (whole, shown) if v in text]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(("field", "role", "interface", "expected"), ROWS)
def test_personal_data_table(
    demo: None, api: Client, staff_headers: Callable[[str], dict[str, str]],
    field: str, role: str, interface: str, expected: str,
) -> None:
    feedback = _case(api, staff_headers)
    whole, masked = LOOKS[field]
    want = whole if expected == "W" else masked
    if interface == "api":
        assert _api(api, staff_headers(USERNAME[role]), feedback, field) == want
    elif interface == "desk":
        page = signed_in(USERNAME[role]).get(f"/desk/feedback/{feedback.reference}")
        assert page.status_code == 200
        assert _in_page(page.content.decode(), whole, masked) == want
    elif interface == "export":
        with translation.override("en"):  # the expected looks are written in English
            row = export_projection(
                values=identifying_values(feedback) | case_text_values(feedback),
                fields=IDENTIFYING_FIELDS | CASE_TEXT_FIELDS, role=role,
            )
        assert row[field] == want
    else:
        message = OutboundMessage.objects.get(recipient="isil@example.com")
        client = signed_in(USERNAME[role])
        # The outbound message's recipient (an e-mail) and text (speaks to the customer).
        value = message.recipient if field == "email" else message.text
        shown = want if field == "email" else f"[hidden: {len(message.text)} characters]"
        for url in ("/admin/notifications/outboundmessage/",
                    f"/admin/notifications/outboundmessage/{message.pk}/change/"):
            page = html.unescape(client.get(url).content.decode())
            if field == "email" or "change" in url:
                assert shown in page and value not in page, url
            else:
                assert value not in page, url


def test_a_delivery_error_in_admin_quotes_the_recipient_masked(
    demo: None, api: Client, staff_headers: Callable[[str], dict[str, str]]
) -> None:
    _case(api, staff_headers)
    message = OutboundMessage.objects.get(recipient="isil@example.com")
    message.last_error = "550 5.1.1 <isil@example.com>: Recipient address rejected"
    message.save(update_fields=["last_error"])
    page = html.unescape(signed_in("admin").get(
        f"/admin/notifications/outboundmessage/{message.pk}/change/").content.decode())
    assert "isil@example.com" not in page
    assert "550 5.1.1 <i***@e******.com>: Recipient address rejected" in page


def test_a_postal_address_is_masked_word_by_word_in_exports() -> None:
    row = export_projection(
        values={"address": "Bağdat Caddesi No 5 Kadıköy", "office": "istanbul"},
        fields={"address": PersonalField.ADDRESS}, role="quality",
    )
    assert row == {"address": "B***** C****** N** 5** K******", "office": "istanbul"}


def test_a_role_the_policy_does_not_know_sees_the_least(demo: None, api: Client,
                                                        staff_headers: Any) -> None:
    feedback = _case(api, staff_headers)
    with translation.override("en"):
        row = export_projection(
            values=identifying_values(feedback) | case_text_values(feedback),
            fields=IDENTIFYING_FIELDS | CASE_TEXT_FIELDS, role="someone",
        )
    assert row["name"] == LOOKS["name"][1] and row["description"] == LOOKS["description"][1]


# --- Every whole read is recorded: reveals and file downloads. ---

PNG = files.PNG


def test_the_api_reveal_answers_the_whole_values_and_records_who_what_why(
    demo: None, api: Client, staff_headers: Callable[[str], dict[str, str]]
) -> None:
    feedback = _case(api, staff_headers)
    response = api.post(f"/api/v1/feedback/{feedback.reference}/reveal",
                        {"reason": "Müşteriyi geri aramak için."},
                        content_type="application/json", headers=staff_headers("handler"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert {k: body[k] for k in IDENTIFYING_FIELDS} == {k: LOOKS[k][0] for k in IDENTIFYING_FIELDS}
    event = AuditEvent.objects.get(action="personal_data.revealed", object_id=feedback.reference)
    assert (event.actor, event.data["reason"]) == ("handler", "Müşteriyi geri aramak için.")
    assert sorted(event.data["fields"]) == sorted(IDENTIFYING_FIELDS)
    assert not any(whole in str(event.data) for whole, _masked in LOOKS.values())
    # The case itself stays masked afterwards.
    assert _api(api, staff_headers("handler"), feedback, "name") == LOOKS["name"][1]


def test_the_api_reveal_needs_a_reason_and_a_role_that_may(
    demo: None, api: Client, staff_headers: Callable[[str], dict[str, str]]
) -> None:
    feedback = _case(api, staff_headers)
    path = f"/api/v1/feedback/{feedback.reference}/reveal"
    empty = api.post(path, {"reason": ""}, content_type="application/json",
                     headers=staff_headers("quality"))
    assert empty.status_code == 422 and "reason" in empty.json()["fields"]
    auditor = api.post(path, {"reason": "Denetim."}, content_type="application/json",
                       headers=staff_headers("auditor"))
    assert auditor.status_code == 403 and auditor.json()["error"]
    assert "isil@example.com" not in auditor.content.decode()
    assert not AuditEvent.objects.filter(action="personal_data.revealed").exists()


def test_the_reveal_is_documented_with_its_refusals(demo: None, api: Client) -> None:
    schema = api.get("/api/v1/openapi.json").json()
    responses = schema["paths"]["/api/v1/feedback/{reference}/reveal"]["post"]["responses"]
    for code in ("200", "403", "404", "422"):
        assert code in responses
    assert responses["422"]["content"]["application/json"]["schema"]["$ref"].endswith("ErrorOut")


def test_downloading_a_customer_file_is_recorded_on_the_api_and_the_desk(
    demo: None, api: Client, staff_headers: Callable[[str], dict[str, str]]
) -> None:
    feedback = _case(api, staff_headers)
    row = attachment_add(actor=User.objects.get(username="agent"), feedback=feedback,
                         filename="fis.png", content_type="image/png", content=PNG)
    by_api = api.get(f"/api/v1/feedback/{feedback.reference}/attachments/{row.pk}",
                     headers=staff_headers("handler"))
    assert by_api.status_code == 200
    by_desk = signed_in("reviewer").get(f"/desk/feedback/{feedback.reference}/files/{row.pk}")
    assert by_desk.status_code == 200
    events = AuditEvent.objects.filter(action="attachment.downloaded",
                                       object_id=feedback.reference).order_by("id")
    assert [(e.actor, e.data) for e in events] == [
        ("handler", {"attachment": row.pk, "interface": "api"}),
        ("reviewer", {"attachment": row.pk, "interface": "desk"}),
    ]
    # Refused downloads record nothing.
    assert signed_in("auditor").get(
        f"/desk/feedback/{feedback.reference}/files/{row.pk}").status_code == 404
    assert events.count() == 2


# --- An office-bound role without an office sees nothing. ---

@pytest.mark.parametrize("role", ["agent", "handler", "reviewer"])
def test_an_office_bound_user_without_an_office_sees_nothing(
    demo: None, api: Client, staff_headers: Callable[[str], dict[str, str]], role: str
) -> None:
    feedback = _case(api, staff_headers)
    staff(f"unplaced-{role}", role, office=None)
    headers = staff_headers(f"unplaced-{role}")
    assert api.get(f"/api/v1/feedback/{feedback.reference}", headers=headers).status_code == 404
    queue = api.get("/api/v1/queue", headers=headers)
    assert queue.status_code == 200 and queue.json()["items"] == []
    istanbul = api.get("/api/v1/queue", {"office": "istanbul"}, headers=headers)
    assert istanbul.status_code == 200 and istanbul.json()["items"] == []
    desk = signed_in(f"unplaced-{role}")
    page = desk.get("/desk/queue/").content.decode()
    assert feedback.reference not in page
    assert feedback.reference not in desk.get("/desk/queue/", {"q": "Işıl"}).content.decode()
    assert desk.get(f"/desk/feedback/{feedback.reference}").status_code == 404
    # The same user placed in the office sees the case.
    User.objects.filter(username=f"unplaced-{role}").update(
        office=Office.objects.get(code="istanbul"))
    assert api.get(f"/api/v1/feedback/{feedback.reference}", headers=headers).status_code == 200
    assert feedback.reference in desk.get("/desk/queue/").content.decode()
