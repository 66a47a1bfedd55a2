"""Helpers for tests that start memnun's own processes against the test database."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection


def database_url() -> str:
    """The URL of the test database, for a process that cannot see pytest's connection."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        if connection.is_in_memory_db():  # type: ignore[attr-defined]
            pytest.skip("in-memory SQLite is private to pytest; set MEMNUN_TEST_SQLITE=<file>")
        return f"sqlite:///{db['NAME']}"
    user = quote(str(db["USER"] or ""))
    password = f":{quote(str(db['PASSWORD']))}" if db["PASSWORD"] else ""
    host = f"{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}"
    return f"postgres://{user}{password}@{host}/{db['NAME']}"


def child_env(**extra: str) -> dict[str, str]:
    """The environment of a memnun process on the test database (settings file not read)."""
    return {
        **os.environ,
        "DATABASE_URL": database_url(),
        "MEMNUN_TESTING": "1",
        "PYTHONPATH": os.pathsep.join([str(settings.BASE_DIR), os.environ.get("PYTHONPATH", "")]),
        **extra,
    }


def until(condition: Callable[[], object], seconds: float, what: str) -> None:
    """Wait for `condition`, polling; fail naming `what` after `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out after {seconds} s: {what}"
        time.sleep(0.05)


@contextlib.contextmanager
def throwaway_postgres(suffix: str) -> Iterator[str]:
    """The URL of a new, empty database beside DATABASE_URL's (PostgreSQL runs), for an
    installation the test serves with its own processes; dropped afterwards."""
    import psycopg

    base, _, name = os.environ["DATABASE_URL"].rpartition("/")
    served = f"{name}_{suffix}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{served}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{served}"')
    try:
        yield f"{base}/{served}"
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{served}" WITH (FORCE)')
