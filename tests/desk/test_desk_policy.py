"""The policy in the desk: versions approved before publication, the acknowledgement every
member of staff gives at their next login before reaching the desk, the report of who has
not, and the representative's appointments (R4.2, R5.3, R5.4a)."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from django.test import Client

from memnun.accounts.models import User
from memnun.accounts.roles import Role
from memnun.audit.models import AuditEvent
from memnun.feedback.services.policy import policy_acknowledge
from memnun.governance.models import PolicyAcknowledgement, PolicyStatus, PolicyVersion
from tests.casework import staff, user
from tests.conftest import PASSWORD
from tests.desk.helpers import signed_in
from tests.feedback.policies import TEXT, published

pytestmark = pytest.mark.django_db

ACK = "/desk/policy/acknowledge/"


def sign_in(username: str, next_url: str = "/desk/queue/") -> tuple[Client, str]:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(
        "/desk/login/", {"username": username, "password": PASSWORD, "next": next_url},
        REMOTE_ADDR="127.0.0.21",
    )
    assert response.status_code == 302
    return client, response["Location"]


def test_a_new_version_waits_for_acknowledgement_at_the_next_login(demo: None) -> None:
    client, location = sign_in("agent")
    assert client.get(location).status_code == 200  # nothing published: straight to the desk

    version = published()
    # Already signed in: the new version waits for the next login.
    assert client.get("/desk/queue/").status_code == 200
    client.post("/desk/logout/")

    client, location = sign_in("agent", "/desk/queue/?office=istanbul")
    gate = client.get(location)
    assert gate.status_code == 302 and gate["Location"].startswith(ACK)
    page = client.get(gate["Location"])
    html = page.content.decode()
    assert "We handle complaints free of charge" in html and "I have read it" in html
    for path in ("/desk/queue/", "/desk/reports/", "/desk/intake/"):
        held = client.get(path)
        assert held.status_code == 302 and held["Location"].startswith(ACK), path
    # The API (bearer token, no session) is never held up.
    token = client.post("/api/v1/auth/token", {"username": "agent", "password": PASSWORD},
                        content_type="application/json")
    queue = client.get("/api/v1/queue", headers={
        "Authorization": f"Bearer {token.json()['token']}"})
    assert queue.status_code == 200

    done = client.post(ACK, {"version": version.number, "next": "/desk/queue/?office=istanbul"})
    assert done.status_code == 302 and done["Location"] == "/desk/queue/?office=istanbul"
    assert client.get("/desk/queue/").status_code == 200
    ack = PolicyAcknowledgement.objects.get(user=user("agent"), version=version)
    assert ack.at is not None
    assert AuditEvent.objects.filter(
        action="policy.acknowledged", actor="agent", object_id=str(version.number)
    ).exists()

    client.post("/desk/logout/")
    client, location = sign_in("agent")
    assert client.get(location).status_code == 200  # acknowledged once is enough


def test_the_acknowledgement_page_refuses_a_redirect_elsewhere(demo: None) -> None:
    version = published()
    client, _ = sign_in("handler")
    done = client.post(ACK, {"version": version.number, "next": "https://evil.example/"})
    assert done.status_code == 302 and done["Location"] == "/desk/"  # the home


def test_the_report_lists_exactly_who_has_not_acknowledged(demo: None) -> None:
    staff("ankara_agent", Role.AGENT, "ankara")
    staff("left", Role.AGENT, is_active=False)
    viewer = signed_in("quality")  # signed in before: not held at the acknowledgement page
    version = published()
    for name in ("agent", "handler", "quality"):
        policy_acknowledge(actor=user(name), version=version)
    html = viewer.get("/desk/policy/report/").content.decode()
    listed = set(re.findall(r'<td data-label="Username">([^<]+)</td>', html))
    active = set(User.objects.filter(is_active=True).values_list("username", flat=True))
    assert listed == active - {"agent", "handler", "quality"}
    assert "left" not in listed and "ankara_agent" in listed
    # A newer version: everyone is due again, showing the version they last read.
    second = published(replace(TEXT, text_en="Version two."))
    html = viewer.get("/desk/policy/report/").content.decode()
    assert set(re.findall(r'<td data-label="Username">([^<]+)</td>', html)) == active
    assert second.number == 2


def test_a_team_lead_reads_their_own_office_only(demo: None) -> None:
    staff("ankara_agent", Role.AGENT, "ankara")
    policy_acknowledge(actor=user("reviewer"), version=published())
    html = signed_in("reviewer").get("/desk/policy/report/?office=ankara").content.decode()
    listed = set(re.findall(r'<td data-label="Username">([^<]+)</td>', html))
    assert listed == {"agent", "handler"}  # the İstanbul office's staff, not Ankara's


@pytest.mark.parametrize(
    ("username", "status"),
    [("quality", 200), ("manager", 200), ("auditor", 200), ("reviewer", 200),
     ("handler", 403), ("agent", 403), ("admin", 403)],
)
def test_who_reads_the_report(demo: None, username: str, status: int) -> None:
    assert signed_in(username).get("/desk/policy/report/").status_code == status


@pytest.mark.parametrize(
    ("username", "status"),
    [("quality", 200), ("manager", 200), ("auditor", 403), ("reviewer", 403),
     ("handler", 403), ("admin", 403)],
)
def test_who_opens_the_policy_page(demo: None, username: str, status: int) -> None:
    assert signed_in(username).get("/desk/policy/").status_code == status


def test_draft_approve_publish_in_the_desk(demo: None) -> None:
    quality, manager = signed_in("quality"), signed_in("manager")
    form = {"draft-text_tr": "Ücretsiz ve adil.", "draft-text_en": "Free and fair.",
            "draft-effective_from": "2026-12-01"}
    assert manager.post("/desk/policy/draft", form).status_code == 403
    assert quality.post("/desk/policy/draft", form).status_code == 302
    refused = quality.post("/desk/policy/1/publish")
    assert refused.status_code == 409
    assert "Top management has not approved this version" in refused.content.decode()
    assert quality.post("/desk/policy/1/approve").status_code == 403
    assert manager.post("/desk/policy/1/approve").status_code == 302
    assert manager.post("/desk/policy/1/publish").status_code == 302
    version = PolicyVersion.objects.get(number=1)
    assert version.status == PolicyStatus.PUBLISHED and version.approved_by == user("manager")
    page = quality.get("/desk/policy/").content.decode()
    assert "Selin Arslan" in page and "Published" in page


def test_a_draft_without_english_is_refused_beside_the_field(demo: None) -> None:
    response = signed_in("quality").post("/desk/policy/draft", {
        "draft-text_tr": "Ücretsiz.", "draft-text_en": "", "draft-effective_from": "2026-12-01",
    })
    assert response.status_code == 422
    assert 'href="#id_draft-text_en"' in response.content.decode()
    assert not PolicyVersion.objects.exists()


def test_the_representative_is_appointed_in_the_desk_and_shown_on_the_report(
    demo: None,
) -> None:
    form = {"appoint-username": "quality", "appoint-starts_on": "2026-01-01",
            "appoint-text": "Şikâyet yönetim sisteminden sorumlu."}
    assert signed_in("quality").post("/desk/policy/representative", form).status_code == 403
    assert signed_in("manager").post("/desk/policy/representative", form).status_code == 302
    html = signed_in("auditor").get("/desk/policy/report/").content.decode()
    assert "Emre Şahin" in html and "Şikâyet yönetim sisteminden sorumlu." in html
    assert "01.01.2026" in html


def test_policy_text_is_escaped(demo: None) -> None:
    published(replace(TEXT, text_en="<script>alert(1)</script>\n\n- <b>item</b>"))
    client, _ = sign_in("agent")
    html = client.get(ACK).content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<li>&lt;b&gt;item&lt;/b&gt;</li>" in html


def test_the_gate_costs_no_query_outside_the_desk_and_none_for_policy_in_it(
    demo: None,
) -> None:
    """Whether a version awaits is decided at login and kept in the session: a desk page
    reads no policy row, and a portal page does not even load the visitor's session."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    policy_acknowledge(actor=user("agent"), version=published())
    client, location = sign_in("agent")
    client.get(location)
    with CaptureQueriesContext(connection) as desk:
        assert client.get("/desk/queue/").status_code == 200
    assert not [q for q in desk.captured_queries if "governance_policy" in q["sql"]]
    visitor = Client(HTTP_ACCEPT_LANGUAGE="en")
    session = visitor.session
    session["portal_visit"] = True
    session.save()
    visitor.cookies["sessionid"] = session.session_key
    with CaptureQueriesContext(connection) as portal:
        assert visitor.get("/privacy/").status_code == 200
    assert not [q for q in portal.captured_queries if "django_session" in q["sql"]]
