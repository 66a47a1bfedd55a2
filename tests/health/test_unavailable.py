"""A database that cannot be reached answers 503 with Retry-After, never 500 (issue 13,
kill -9 soak): the API in its error format, pages as a plain page; nothing is written,
and the same request succeeds once the database is back, without a restart."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

from memnun.audit.models import AuditEvent
from memnun.feedback.models import Feedback
from tests.conftest import feedback_payload
from tests.mailtools import free_port


@pytest.fixture
def database_down(transactional_db: None, demo: None, tmp_path: Path) -> Iterator[None]:
    """The real database made unreachable for this process: SQLite at a path that cannot
    be opened, PostgreSQL at a port where nothing listens (refused, as during a restart)."""
    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = str(tmp_path / "gone" / "memnun.sqlite3")
    else:
        connection.settings_dict["PORT"] = free_port()
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)


def post_feedback(client: Client, subject: str) -> tuple[int, dict[str, object], object]:
    response = client.post(
        "/api/v1/feedback", json.dumps(feedback_payload(subject=subject)),
        content_type="application/json",
    )
    return response.status_code, response.json(), response


def test_the_api_answers_503_with_retry_after_and_writes_nothing(database_down: None) -> None:
    client = Client(raise_request_exception=False)
    status, body, response = post_feedback(client, "Veritabanı yokken")
    assert status == 503, body
    assert body["error"] == "unavailable" and body["fields"] == {} and body["detail"]
    assert response["Retry-After"] == "5"  # type: ignore[index]
    assert response["X-Content-Type-Options"] == "nosniff"  # type: ignore[index]


def test_the_api_recovers_without_a_restart_once_the_database_is_back(
    transactional_db: None, demo: None, tmp_path: Path
) -> None:
    client = Client(raise_request_exception=False)
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict["NAME" if connection.vendor == "sqlite" else "PORT"] = (
        str(tmp_path / "gone" / "x.sqlite3") if connection.vendor == "sqlite" else free_port()
    )
    try:
        assert post_feedback(client, "Kesinti sırasında")[0] == 503
    finally:
        connection.close()
        connection.settings_dict.update(saved)
    status, body, _ = post_feedback(client, "Kesintiden sonra")
    assert status == 201, body
    # Nothing of the refused request exists, the accepted one is whole.
    assert list(Feedback.objects.values_list("subject", flat=True)) == ["Kesintiden sonra"]
    feedback = Feedback.objects.get()
    assert feedback.stages.exists() and feedback.obligations.exists()
    assert AuditEvent.objects.filter(object_id=str(feedback.pk)).exists() or (
        AuditEvent.objects.filter(object_id=feedback.reference).exists()
    )


def test_a_page_answers_a_plain_503_page_in_the_visitors_language(database_down: None) -> None:
    client = Client(raise_request_exception=False)
    response = client.get("/feedback/new/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"].startswith("text/html")
    text = response.content.decode()
    assert "Service unavailable" in text and "<main>" in text
    assert "Content-Security-Policy" in response


def test_other_errors_stay_500(transactional_db: None) -> None:
    """Only an unreachable database is 503: a bug is still a 500 (the handler's other path)."""
    from memnun.health.unavailable import server_error_or_unavailable

    request = Client().get("/healthz").wsgi_request
    try:
        raise ValueError("a bug")
    except ValueError:
        assert server_error_or_unavailable(request).status_code == 500
