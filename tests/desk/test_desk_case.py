"""The case page: scope, masking and reveal, timeline, files, and the forms each role sees."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from memnun.audit.models import AuditEvent
from memnun.feedback.codes import Status
from memnun.feedback.services.notes import attachment_add
from tests import files
from tests.casework import Case, case_in, user
from tests.desk.helpers import all_groups_opened, forms_on, signed_in

pytestmark = pytest.mark.django_db
PNG = files.PNG


def page(client: Client, case: Case) -> str:
    """The case page with every group opened (the forms drawn when first opened added)."""
    return all_groups_opened(client, f"/desk/feedback/{case.reference}")


def test_sign_in_is_required(demo: None) -> None:
    case = Case()
    response = Client().get(f"/desk/feedback/{case.reference}")
    assert response.status_code == 302 and "/desk/login/" in response["Location"]
    response = Client().post(f"/desk/feedback/{case.reference}/do/note", {"note-body": "x"})
    assert response.status_code == 302


def test_another_office_case_does_not_exist_for_an_office_bound_agent(demo: None) -> None:
    ankara = Case(office="ankara")
    client = signed_in("agent")
    assert client.get(f"/desk/feedback/{ankara.reference}").status_code == 404
    response = client.post(f"/desk/feedback/{ankara.reference}/do/note", {"note-body": "x"})
    assert response.status_code == 404
    assert signed_in("quality").get(f"/desk/feedback/{ankara.reference}").status_code == 200


def test_a_reference_typed_without_hyphens_finds_the_case(demo: None) -> None:
    case = Case()
    response = signed_in("agent").get(f"/desk/feedback/{case.reference.replace('-', '')}")
    assert response.status_code == 302
    assert response["Location"] == f"/desk/feedback/{case.reference}"


def test_header_details_and_deadlines_in_words(demo: None) -> None:
    case = Case()
    html = page(signed_in("agent"), case)
    assert case.reference in html and "Ekran değişimi gecikti" in html
    assert "Phone" in html and "İstanbul" in html and "Created" in html
    assert "<caption>Deadlines</caption>" in html
    assert "Met on time" in html  # acknowledged on the call
    assert "On track" in html  # the resolution clock runs


def test_customer_is_masked_until_revealed_with_a_reason(demo: None) -> None:
    case = Case()
    client = signed_in("agent")
    html = page(client, case)
    assert "Işıl Öztürk" not in html and "isil@example.com" not in html
    assert "I*** Ö*****" in html and "+**********67" in html
    refused = client.post(f"/desk/feedback/{case.reference}/reveal", {"reveal-reason": " "})
    assert refused.status_code == 422
    assert not AuditEvent.objects.filter(action="personal_data.revealed").exists()
    response = client.post(
        f"/desk/feedback/{case.reference}/reveal", {"reveal-reason": "Müşteri geri arama"}
    )
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert "Işıl Öztürk" in html and "isil@example.com" in html and "+905321234567" in html
    event = AuditEvent.objects.get(action="personal_data.revealed")
    assert event.actor == "agent" and event.data["reason"] == "Müşteri geri arama"
    # Only that response: the page is masked again.
    assert "isil@example.com" not in page(client, case)


def test_reveal_through_htmx_answers_the_customer_block_only(demo: None) -> None:
    case = Case()
    response = signed_in("reviewer").post(
        f"/desk/feedback/{case.reference}/reveal", {"reveal-reason": "Arama"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200 and html.startswith("<section class=\"customer\"")
    assert "Işıl Öztürk" in html and "<html" not in html


def test_an_auditor_reads_but_sees_no_forms_and_cannot_reveal(demo: None) -> None:
    case = Case()
    client = signed_in("auditor")
    html = page(client, case)
    assert forms_on(html) == set() and "/reveal" not in html
    assert "Your role cannot change this case now." in html
    response = client.post(f"/desk/feedback/{case.reference}/reveal", {"reveal-reason": "x"})
    assert response.status_code == 403
    assert client.post(
        f"/desk/feedback/{case.reference}/do/note", {"note-body": "x"}
    ).status_code == 403


def test_forms_follow_role_and_state(demo: None) -> None:
    case = Case()
    agent = forms_on(page(signed_in("agent"), case))
    # The agent also records the customer's word on a consent (KVKK), never a disclosure.
    assert agent == {"message", "note", "involved", "file", "link", "consent"}
    assert "start" in forms_on(page(signed_in("handler"), case))
    case.start()
    handler = forms_on(page(signed_in("handler"), case))
    assert {"propose", "compensation"} <= handler and "start" not in handler
    case.propose()
    assert "approve" not in forms_on(page(signed_in("handler"), case))  # not a reviewer
    assert {"approve", "send-back"} <= forms_on(page(signed_in("reviewer"), case))
    case.approve()
    assert {"answer", "close"} <= forms_on(page(signed_in("agent"), case)) | {"close"}
    assert "answer" in forms_on(page(signed_in("agent"), case))


def test_timeline_shows_every_step_with_its_actor(demo: None) -> None:
    case = case_in(Status.RESOLVED)
    html = page(signed_in("agent"), case)
    timeline = html[html.index('<ol class="timeline">'):]
    order = [timeline.index(t) for t in (
        "Status: Created", "Status: In progress", "Resolution proposed",
        "Status: Under review", "Proposal: Approved", "Status: Resolved",
    )]
    assert order == sorted(order)
    assert "Mehmet Yıldız" in timeline and "Zeynep Kaya" in timeline and "Ayşe Demir" in timeline
    assert "Root cause: Parça tedarikçiden geç geldi." in timeline
    assert "Acknowledgement given" in timeline and "Sent to the customer" in timeline


def test_files_download_only_for_roles_allowed(demo: None) -> None:
    case = Case()
    row = attachment_add(
        actor=user("agent"), feedback=case.feedback, filename="fis.png",
        content_type="image/png", content=PNG,
    )
    url = f"/desk/feedback/{case.reference}/files/{row.pk}"
    response = signed_in("agent").get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG  # type: ignore[attr-defined]
    assert "attachment" in response["Content-Disposition"]
    assert signed_in("auditor").get(url).status_code == 404
    assert url not in page(signed_in("auditor"), case)
    other = Case(office="ankara")
    assert signed_in("agent").get(
        f"/desk/feedback/{other.reference}/files/{row.pk}"
    ).status_code == 404


def test_no_inline_script_or_style_on_the_case_page(demo: None, turkish: Any = None) -> None:
    html = page(signed_in("handler"), Case())
    assert "style=" not in html and "<style" not in html and "hx-on" not in html
    assert 'name="htmx-config"' in html
