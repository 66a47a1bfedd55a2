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


@pytest.fixture(autouse=True)
def _default_language() -> Any:
    """Each test starts in the default language (Turkish), whatever an earlier request activated.

    The test client's requests activate their language on the test's own thread and leave it
    active, so without this a test could pass only because an earlier one asked for English.
    """
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


# Where the session fixture leaves pytest-django's database blocker for the teardown hook.
_DB_BLOCKER = pytest.StashKey[Any]()
# The database the settings name before pytest-django replaces it by the test database.
_REAL_DB_NAME = pytest.StashKey[str]()


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    config.stash[_REAL_DB_NAME] = str(settings.DATABASES["default"]["NAME"])


def _demo_seed() -> None:
    """Offices, brands, categories and one user per role, each with PASSWORD."""
    from memnun.accounts.models import User
    from memnun.organisation.demo import demo_load

    demo_load()
    for user in User.objects.all():
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    _migration_rows_seed()


def _migration_rows_seed() -> None:
    """Rows a data migration seeds, which a flushing test empties with every table: the
    escalation ladder's default levels (migration 0015_escalation) and the first privacy
    notice (0017). Without the notice, the first web form a test server shows publishes
    it, and waits on the test's own write transaction (SQLite's IMMEDIATE) until timeout."""
    from memnun.feedback.escalation import DEFAULT_LADDER
    from memnun.feedback.models import EscalationLevel
    from memnun.feedback.services.privacy_notice import notice_current

    for level in DEFAULT_LADDER:
        EscalationLevel.objects.get_or_create(
            order=level.order, defaults={"code": level.code, "minimum_role": level.minimum_role}
        )
    notice_current()


def _demo_present() -> bool:
    from memnun.accounts.models import User
    from memnun.organisation.demo import USERS

    return User.objects.filter(username__in=[u[0] for u in USERS]).count() == len(USERS)


@pytest.fixture(scope="session")
def django_db_setup(
    django_db_setup: None, django_db_blocker: Any, request: pytest.FixtureRequest
) -> None:
    """The test database (one per xdist worker) starts with the demo organisation in it.

    Loaded once here, committed, so that every test's transaction rolls back to it
    instead of each test loading it again.
    """
    from django.db import connection

    # When no collected test uses the database, pytest-django creates no test
    # database and the connection still names the real one: never seed that. (Asking
    # `_get_test_db_name()` instead is wrong on PostgreSQL without xdist: with no TEST
    # NAME set it answers "test_" + the test database's own name.)
    if connection.settings_dict["NAME"] == request.config.stash[_REAL_DB_NAME]:
        return
    with django_db_blocker.unblock():
        _demo_seed()
    request.config.stash[_DB_BLOCKER] = django_db_blocker


def _flushes_the_database(item: pytest.Item) -> bool:
    """Whether pytest-django ran the test as a TransactionTestCase, which empties
    every table afterwards (transaction=True, reset_sequences, live_server)."""
    names = getattr(item, "fixturenames", ())
    if "transactional_db" in names or "live_server" in names:
        return True
    marker = item.get_closest_marker("django_db")
    if marker is None:
        return False
    return bool(
        marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")
        or (marker.args and marker.args[0])
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    result = yield
    # After the flush (the test's own fixtures are torn down by now): put the demo back.
    # Not after the last test: the session's fixtures are gone too, the test database
    # with them, and the connection points at the real one again.
    blocker = item.config.stash.get(_DB_BLOCKER, None)
    if blocker is not None and nextitem is not None and _flushes_the_database(item):
        with blocker.unblock():
            _demo_seed()
    return result


@pytest.fixture
def demo(db: Any) -> None:
    """Offices, brands, categories and one user per role (password: PASSWORD).

    Already in the database (see django_db_setup); this fixture names the dependency
    and, should a flush have escaped the teardown hook, loads it again.
    """
    if not _demo_present():
        _demo_seed()
    else:
        from memnun.feedback.models import EscalationLevel, PrivacyNotice

        if not (EscalationLevel.objects.exists() and PrivacyNotice.objects.exists()):
            _migration_rows_seed()  # a flush the demo check cannot see


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
    import time

    from django.db import InterfaceError, OperationalError, connection

    others = (
        " FROM pg_stat_activity"
        " WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )

    def wait_for_others(cursor: Any, *, seconds: float, every: float) -> None:
        deadline = time.monotonic() + seconds
        while True:
            cursor.execute("SELECT count(*)" + others)
            row = cursor.fetchone()
            if not row or not row[0] or time.monotonic() > deadline:
                return
            time.sleep(every)

    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            return
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except (InterfaceError, OperationalError):
            # This process's connection was ended by the server (a test that plays a
            # restart): a fresh one for the sweep.
            connection.close()
        with connection.cursor() as cursor:
            # Sessions that are closing anyway go by themselves: ending one still in use
            # would fail whoever closes it next. Wait a little, then end what is left,
            # and wait until it is gone (termination is asynchronous) before the drop.
            wait_for_others(cursor, seconds=10, every=0.2)
            cursor.execute("SELECT pg_terminate_backend(pid), application_name, left(query, 60)"
                           + others)
            stray = cursor.fetchall()
            if stray:
                wait_for_others(cursor, seconds=10, every=0.1)
        connection.close()
        if stray:
            print(f"\nended {len(stray)} stray database session(s): {stray}")
