"""The bearer-token check keeps a user it built in the process (issue 14), yet reads the
token's and the user's rows on every request: a revoked or expired token, a deactivated
user, a changed role answer the very next request, whoever changed them and however."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from memnun.accounts.models import ApiToken, User, secret_digest
from memnun.accounts.roles import Role
from memnun.accounts.tokens import token_issue, token_revoke, token_user
from tests.conftest import feedback_payload

pytestmark = pytest.mark.django_db


def _intake(api: Client, token: str) -> int:
    response = api.post(
        "/api/v1/feedback", feedback_payload(channel="phone"), content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    return int(response.status_code)


def _row(token: str) -> ApiToken:
    return ApiToken.objects.get(key_hash=secret_digest(token))


def test_a_revoked_token_is_refused_on_the_next_request(
    api: Client, token_for: Callable[[str], str]
) -> None:
    token = token_for("agent")
    assert _intake(api, token) == 201
    assert _intake(api, token) == 201  # the second one used the user this process kept
    row = _row(token)
    assert token_revoke(actor=row.user, token_id=row.pk, anyones=False)
    assert _intake(api, token) == 401


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda row: ApiToken.objects.filter(pk=row.pk).delete(), id="deleted"),
        pytest.param(
            lambda row: ApiToken.objects.filter(pk=row.pk).update(
                expires_at=timezone.now() - timedelta(seconds=1)
            ),
            id="expired",
        ),
        pytest.param(
            lambda row: User.objects.filter(pk=row.user_id).update(is_active=False),
            id="user-deactivated",
        ),
    ],
)
def test_a_change_made_without_signals_refuses_the_next_request(
    api: Client, token_for: Callable[[str], str], change: Callable[[ApiToken], object]
) -> None:
    """Raw `.update()`s and deletes, as another process's code or an operator's SQL makes
    them: no signal reaches this process, the rows still decide."""
    token = token_for("agent")
    assert _intake(api, token) == 201
    change(_row(token))
    assert _intake(api, token) == 401


def test_a_changed_role_or_office_is_seen_on_the_next_request(
    token_for: Callable[[str], str],
) -> None:
    token = token_for("handler")
    before = token_user(raw=token)
    assert before is not None and before.role == Role.HANDLER
    assert before.office is not None and before.office.code == "istanbul"
    User.objects.filter(pk=before.pk).update(role=Role.REVIEWER, office=None)
    after = token_user(raw=token)
    assert after is not None and after.role == Role.REVIEWER and after.office is None


def test_each_request_gets_its_own_copy_of_the_user(token_for: Callable[[str], str]) -> None:
    token = token_for("agent")
    first = token_user(raw=token)
    assert first is not None
    first.role = Role.ADMIN  # something a request did to its user
    first._memnun_note = "request one"  # type: ignore[attr-defined]
    second = token_user(raw=token)
    assert second is not None and second is not first
    assert second.role == Role.AGENT and not hasattr(second, "_memnun_note")


def test_a_token_check_is_one_query(
    token_for: Callable[[str], str], django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    token = token_for("agent")
    with django_assert_num_queries(2):  # the rows, then the user built from them
        assert token_user(raw=token) is not None
    with django_assert_num_queries(1):  # the rows read the same: the user kept is used
        assert token_user(raw=token) is not None
    with django_assert_num_queries(1):
        assert token_user(raw="not-a-token") is None


@pytest.mark.django_db(transaction=True)
def test_a_token_revoked_on_another_connection_is_refused_here() -> None:
    """Two processes: this one has built the token's user; another one, on a connection
    of its own, deletes the token and commits. The next check here refuses it."""
    agent = User.objects.create_user(username="other-connection", role=Role.AGENT)
    token = token_issue(user=agent).token
    assert token_user(raw=token) is not None
    assert token_user(raw=token) is not None
    done: list[int] = []

    def elsewhere() -> None:
        try:
            done.append(ApiToken.objects.filter(key_hash=secret_digest(token)).delete()[0])
        finally:
            connection.close()  # this thread's own connection

    other = threading.Thread(target=elsewhere)
    other.start()
    other.join(timeout=30)
    assert done == [1]
    assert token_user(raw=token) is None
