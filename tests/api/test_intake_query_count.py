"""The queries of one intake, counted, so that the count cannot silently grow (issue 14).

Configuration rows (office, brands, privacy notice, targets, calendar, message template)
come from the per-process cache (memnun.configcache) once warm: an intake then asks only
for what it writes and the few reads it must make (token, repeat check, reference
counter, audit head, outbox guard, task de-duplication); the answer's expectation is
built from the obligations the intake has just written, not read back. Inside the test's
transaction the intake's own atomic blocks are savepoints, counted here too.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from memnun import configcache
from tests.conftest import feedback_payload

pytestmark = pytest.mark.django_db

# Per database, each vendor's own exact count. SQLite takes the reference from its
# counter row and chains the audit events as it writes them; PostgreSQL takes the
# reference from the year's sequence and writes the events unsealed: the chain seals
# them after the commit, in a transaction of its own that this count leaves out (the
# test's transaction never commits).
EXPECTED = {"sqlite": 20, "postgresql": 18}


def test_an_api_intake_asks_the_database_a_fixed_number_of_queries(
    api: Client, staff_headers: Callable[[str], dict[str, str]], keep_connection: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The cache's clock stands still: on a loaded machine the two requests may be more
    # than the TTL apart, and the count is of a warm cache (the steady state under load).
    monkeypatch.setattr(configcache, "clock", lambda: 1000.0)
    headers = staff_headers("agent")
    payload = feedback_payload(channel="phone")

    def post() -> None:
        response = api.post(
            "/api/v1/feedback", payload, content_type="application/json", headers=headers
        )
        assert response.status_code == 201, response.content

    post()  # warms this process's configuration cache, as any earlier request would
    with CaptureQueriesContext(connection) as queries:
        post()
    listed = "\n".join(q["sql"][:160] for q in queries.captured_queries)
    assert len(queries) == EXPECTED[connection.vendor], listed
