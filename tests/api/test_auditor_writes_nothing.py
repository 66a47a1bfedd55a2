"""The auditor reads everything and changes nothing: every staff write answers 403."""

from __future__ import annotations

import base64
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from memnun.audit.models import AuditEvent
from memnun.feedback.services.compensation import compensation_propose
from tests import files
from tests.casework import Case, StaffApi, case_in, user
from tests.conftest import feedback_payload

pytestmark = pytest.mark.django_db

PNG = base64.b64encode(files.PNG).decode()
# A valid body for every staff write, so that only the role can be the reason for a refusal.
WRITES: dict[str, dict[str, Any]] = {
    "/api/v1/feedback": feedback_payload(channel="phone"),
    "/api/v1/feedback/{reference}/acknowledgement": {"method": "phone"},
    "/api/v1/feedback/{reference}/transition": {
        "to": "closed", "closure": "options_exhausted", "external_recourse": "Hakem heyeti.",
    },
    "/api/v1/feedback/{reference}/assessment": {"severity": "low", "safety_hazard": True},
    "/api/v1/feedback/{reference}/assignment": {"assignee": "reviewer"},
    "/api/v1/feedback/{reference}/involved": {"username": "agent", "role_in_subject": "kayıt"},
    "/api/v1/feedback/{reference}/notes": {"body": "not"},
    "/api/v1/feedback/{reference}/messages": {"body": "mesaj"},
    "/api/v1/feedback/{reference}/attachments": {
        "filename": "a.png", "content_type": "image/png", "content_base64": PNG,
    },
    "/api/v1/feedback/{reference}/customer-answer": {"accept": True, "channel": "phone"},
    "/api/v1/feedback/{reference}/compensations": {
        "kind": "voucher", "amount": "100", "legal_basis": "6502 md. 11",
    },
    "/api/v1/feedback/{reference}/compensations/{compensation_id}/decision": {"approve": True},
    "/api/v1/feedback/{reference}/merge": {"into": "{other}"},
    "/api/v1/feedback/{reference}/links": {"to": "{other}"},
    "/api/v1/feedback/{reference}/follow-up": {"channel": "phone", "description": "Yine."},
    "/api/v1/feedback/{reference}/reveal": {"reason": "Denetim."},
    "/api/v1/feedback/{reference}/questions": {"question": "Fiş?"},
    "/api/v1/feedback/{reference}/questions/answer": {"answer": "3 Kasım.", "channel": "phone"},
    "/api/v1/feedback/{reference}/disclosures": {
        "recipient": "Samsung", "purpose": "Garanti", "data": ["device"],
    },
}


@pytest.fixture
def staff_api(api: Client, staff_headers: Callable[[str], dict[str, str]]) -> StaffApi:
    return StaffApi(api, staff_headers)


def test_the_table_lists_every_staff_write(client: Client) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    posts = {path for path, ops in spec["paths"].items()
             if "post" in ops and path.startswith("/api/v1/feedback")}
    assert posts == set(WRITES)


@pytest.mark.parametrize("path", list(WRITES))
def test_every_write_is_refused(demo: None, staff_api: StaffApi, path: str) -> None:
    case = case_in("resolved")
    other = Case()
    compensation = compensation_propose(
        actor=user("handler"), feedback=case.feedback, kind="refund", amount=Decimal(5000),
        legal_basis="6502 md. 11",
    )
    url = path.format(reference=case.reference, compensation_id=compensation.pk)
    body = {k: (v.format(other=other.reference) if isinstance(v, str) else v)
            for k, v in WRITES[path].items()}
    events = AuditEvent.objects.count()
    response = staff_api.client.post(url, body, content_type="application/json",
                                     headers=staff_api.headers("auditor"))
    assert response.status_code == 403, response.content
    assert response.json()["error"] == "forbidden"
    assert AuditEvent.objects.count() == events
