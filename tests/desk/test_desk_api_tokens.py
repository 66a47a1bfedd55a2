"""API tokens at the desk: their owner lists and revokes them, an administrator sees and
revokes everyone's, nobody else touches another's (issue 13, item 4)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from memnun.accounts.models import ApiToken
from memnun.audit.models import AuditEvent
from tests.conftest import feedback_payload
from tests.desk.helpers import signed_in

pytestmark = pytest.mark.django_db


def _works(api: Client, token: str) -> bool:
    response = api.post(
        "/api/v1/feedback", feedback_payload(channel="phone"), content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    return bool(response.status_code == 201)


def test_the_owner_lists_and_revokes_their_tokens(
    api: Client, token_for: Callable[[str], str]
) -> None:
    mine = token_for("agent")
    token_for("agent")
    token_for("handler")
    client = signed_in("agent")
    page = client.get("/desk/api-tokens/")
    assert page.status_code == 200
    listed = page.context["tokens"]
    assert len(listed) == 2
    assert {t.user.username for t in listed} == {"agent"}
    row = ApiToken.objects.filter(user__username="agent").order_by("pk").first()
    assert row is not None
    revoked = client.post(f"/desk/api-tokens/{row.pk}/revoke")
    assert revoked.status_code == 302
    assert not ApiToken.objects.filter(pk=row.pk).exists()
    assert not _works(api, mine)  # stops at once
    event = AuditEvent.objects.get(action="accounts.api_token_revoked")
    assert event.actor == "agent" and event.data["token"] == row.pk
    assert len(client.get("/desk/api-tokens/").context["tokens"]) == 1


def test_another_users_token_is_refused(
    api: Client, token_for: Callable[[str], str]
) -> None:
    theirs = token_for("handler")
    row = ApiToken.objects.get(user__username="handler")
    client = signed_in("reviewer")  # a team lead is not an administrator
    assert client.post(f"/desk/api-tokens/{row.pk}/revoke").status_code == 404
    assert ApiToken.objects.filter(pk=row.pk).exists()
    assert _works(api, theirs)
    assert row.pk not in {t.pk for t in client.get("/desk/api-tokens/").context["tokens"]}
    assert not AuditEvent.objects.filter(action="accounts.api_token_revoked").exists()


def test_an_administrator_sees_and_revokes_anyones(
    api: Client, token_for: Callable[[str], str]
) -> None:
    theirs = token_for("handler")
    token_for("agent")
    row = ApiToken.objects.get(user__username="handler")
    client = signed_in("admin")
    page = client.get("/desk/api-tokens/")
    assert {t.user.username for t in page.context["tokens"]} == {"handler", "agent"}
    assert "handler" in page.content.decode()
    assert client.post(f"/desk/api-tokens/{row.pk}/revoke").status_code == 302
    assert not _works(api, theirs)
    event = AuditEvent.objects.get(action="accounts.api_token_revoked")
    assert event.actor == "admin" and event.data["owner"] == "handler"


def test_revoking_needs_a_post(token_for: Callable[[str], str]) -> None:
    token_for("agent")
    row = ApiToken.objects.get()
    assert signed_in("agent").get(f"/desk/api-tokens/{row.pk}/revoke").status_code == 405
    assert ApiToken.objects.filter(pk=row.pk).exists()
