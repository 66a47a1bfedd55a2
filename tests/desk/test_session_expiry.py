"""Signed-in sessions end after an idle time and a maximum age (issue 13, item 4)."""

from __future__ import annotations

import time

import pytest
from django.test import Client, override_settings

from memnun.accounts.models import User
from memnun.accounts.sessions import LAST_SEEN_AT, SIGNED_IN_AT
from tests.twofactor import password_signed_in

pytestmark = pytest.mark.django_db


def _age(client: Client, **seconds_ago: int) -> None:
    """Move the session's sign-in or last request this many seconds into the past."""
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[{"signed_in": SIGNED_IN_AT, "last_seen": LAST_SEEN_AT}[key]] = now - ago
    session.save()


def test_an_idle_session_ends_after_thirty_minutes_by_default(demo: None) -> None:
    client, location = password_signed_in("handler")
    _age(client, last_seen=29 * 60)
    assert client.get(location).status_code == 200  # 29 minutes idle: still signed in
    _age(client, last_seen=31 * 60)
    ended = client.get("/desk/queue/")
    assert ended.status_code == 302
    assert ended["Location"].startswith("/desk/login/?next=")
    login = client.get(ended["Location"])
    assert "Your session has ended" in login.content.decode()
    assert client.get("/desk/queue/").status_code == 302  # signed out for good


def test_a_request_keeps_the_session_alive(demo: None) -> None:
    client, location = password_signed_in("handler")
    _age(client, last_seen=20 * 60)
    assert client.get(location).status_code == 200
    assert int(time.time()) - client.session[LAST_SEEN_AT] < 5  # the clock restarted
    _age(client, signed_in=20 * 60)
    assert client.get(location).status_code == 200


@override_settings(MEMNUN_SESSION_IDLE_MINUTES=5)
def test_the_idle_time_is_configurable(demo: None) -> None:
    client, location = password_signed_in("handler")
    _age(client, last_seen=6 * 60)
    assert client.get(location).status_code == 302


@override_settings(MEMNUN_SESSION_MAX_HOURS=8)
def test_a_busy_session_ends_at_its_maximum_age(demo: None) -> None:
    client, location = password_signed_in("handler")
    _age(client, signed_in=7 * 3600, last_seen=60)
    assert client.get(location).status_code == 200
    _age(client, signed_in=8 * 3600 + 60, last_seen=60)
    assert client.get(location)["Location"].startswith("/desk/login/")


def test_the_admin_site_ends_idle_sessions_too(demo: None) -> None:
    client = Client()
    client.force_login(User.objects.get(username="admin"))
    assert client.get("/admin/").status_code == 200
    _age(client, last_seen=31 * 60)
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
