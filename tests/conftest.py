"""Shared fixtures: the demo organisation, staff users and API clients, on the real database."""

from __future__ import annotations

import os

os.environ.setdefault("MEMNUN_TESTING", "1")

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _fresh_calendar_cache() -> None:
    """Built calendars are cached by version; rolled-back tests reuse version numbers."""
    from memnun.servicelevels.store import calendar_cache_clear

    calendar_cache_clear()


@pytest.fixture
def demo(db: Any) -> None:
    """Offices, brands, categories and one user per role (password: PASSWORD)."""
    from memnun.accounts.models import User
    from memnun.organisation.demo import demo_load

    demo_load()
    for user in User.objects.all():
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])


@pytest.fixture
def api() -> Client:
    return Client()


@pytest.fixture
def token_for(demo: None, api: Client) -> Callable[[str], str]:
    def get(username: str) -> str:
        response = api.post(
            "/api/v1/auth/token",
            {"username": username, "password": PASSWORD},
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
        return str(response.json()["token"])

    return get


@pytest.fixture
def staff_headers(token_for: Callable[[str], str]) -> Callable[[str], dict[str, str]]:
    def headers(username: str = "agent") -> dict[str, str]:
        return {"Authorization": f"Bearer {token_for(username)}"}

    return headers


def feedback_payload(**overrides: Any) -> dict[str, Any]:
    """A valid web complaint, as the contract's example, with fields overridden."""
    payload: dict[str, Any] = {
        "type": "complaint",
        "channel": "web",
        "office": "istanbul",
        "subject": "Ekran değişimi gecikti",
        "description": "Telefonum üç haftadır serviste, ekran hâlâ değişmedi.",
        "brand": "samsung",
        "product": "Galaxy S24",
        "remedy_sought": "Onarımın bu hafta bitirilmesi",
        "customer": {
            "name": "Işıl Öztürk",
            "email": "isil@example.com",
            "phone": "+90 532 123 45 67",
            "preferred_contact": "email",
            "language": "tr",
        },
        "consent": {"privacy_notice": True, "third_party_sharing": False},
    }
    for key, value in overrides.items():
        if value is None and key in payload:
            del payload[key]
        else:
            payload[key] = value
    return payload


@pytest.fixture(scope="session", autouse=True)
def _no_stray_database_sessions(django_db_setup: None, django_db_blocker: Any) -> Any:
    """Before the test database is dropped, end sessions that servers started by tests left.

    Worker and web processes started by tests are stopped by their tests, but a process
    killed on purpose may leave its PostgreSQL session a moment longer than the drop waits.
    """
    yield
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid), application_name, left(query, 60)"
                " FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            stray = cursor.fetchall()
        if stray:
            print(f"\nended {len(stray)} stray database session(s): {stray}")
