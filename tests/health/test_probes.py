"""`/healthz` and `/readyz`: what a load balancer or a supervisor asks, and each reason to fail."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone

from memnun.jobs.worker import Worker
from memnun.notifications.delivery import drain
from memnun.notifications.outbox import message_queue
from tests import mailtools

ROOT = Path(__file__).resolve().parents[2]
CHECKS = {"database", "worker_heartbeat", "outbox_backlog", "dead_letters", "disk"}

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _roomy_disk() -> Iterator[None]:
    """The test machine's free disk is not under test, except where a test says so."""
    with override_settings(MEMNUN_READY_MIN_FREE_MB=1):
        yield


def worker_beats(seconds_ago: float = 0) -> None:
    """A job worker's heartbeat, written by the worker itself on a clock `seconds_ago` behind."""
    Worker(
        worker_id="probe-test", periodic={},
        clock=lambda: timezone.now() - timedelta(seconds=seconds_ago),
    ).beat()


def queue_message(key: str) -> None:
    with transaction.atomic():
        message_queue(
            channel="email", kind="test", recipient="ayse@example.com", language="tr",
            subject="Deneme", text="Merhaba", idempotency_key=key,
        )


def ready(client: Client) -> tuple[int, dict[str, Any]]:
    response = client.get("/readyz")
    assert response["Content-Type"] == "application/json"
    return response.status_code, response.json()


def test_healthz_answers_without_the_database_or_a_session(
    client: Client, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert len(response.content) < 32
    assert "Set-Cookie" not in response.headers
    assert "no-cache" in response["Cache-Control"]


def test_readyz_ok_lists_every_check_with_its_figures(client: Client) -> None:
    worker_beats()
    status, body = ready(client)
    assert status == 200
    assert body["status"] == "ok" and body["failed"] == []
    assert set(body["checks"]) == CHECKS
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["worker_heartbeat"]["age_seconds"] <= 2
    assert body["checks"]["worker_heartbeat"]["max_seconds"] == 60
    assert body["checks"]["outbox_backlog"] == {"ok": True, "count": 0, "max": 1000}
    assert body["checks"]["dead_letters"] == {"ok": True, "count": 0, "max": 10}
    assert body["checks"]["disk"]["free_mb"]["attachments"] > 1


def test_readyz_fails_without_any_worker_heartbeat(client: Client) -> None:
    status, body = ready(client)
    assert status == 503
    assert body["status"] == "failing" and body["failed"] == ["worker_heartbeat"]
    assert body["checks"]["worker_heartbeat"]["age_seconds"] is None


@pytest.mark.parametrize(("seconds_ago", "expected"), [(50, 200), (61, 503), (600, 503)])
def test_readyz_fails_when_the_freshest_heartbeat_is_a_minute_old(
    client: Client, seconds_ago: int, expected: int
) -> None:
    worker_beats(seconds_ago)
    status, body = ready(client)
    assert status == expected
    assert body["failed"] == ([] if expected == 200 else ["worker_heartbeat"])
    assert abs(body["checks"]["worker_heartbeat"]["age_seconds"] - seconds_ago) <= 2


def test_one_live_worker_among_dead_ones_is_enough(client: Client) -> None:
    Worker(worker_id="dead", periodic={},
           clock=lambda: timezone.now() - timedelta(hours=1)).beat()
    worker_beats()
    assert ready(client)[0] == 200


@override_settings(MEMNUN_READY_OUTBOX_BACKLOG_MAX=2)
def test_readyz_fails_when_the_outbox_backlog_is_over_its_threshold(client: Client) -> None:
    worker_beats()
    queue_message("probe:1")
    queue_message("probe:2")
    status, body = ready(client)
    assert status == 200  # at the threshold
    assert body["checks"]["outbox_backlog"] == {"ok": True, "count": 2, "max": 2}

    queue_message("probe:3")
    status, body = ready(client)
    assert status == 503 and body["failed"] == ["outbox_backlog"]
    assert body["checks"]["outbox_backlog"] == {"ok": False, "count": 3, "max": 2}


@override_settings(MEMNUN_READY_DEAD_LETTERS_MAX=0)
def test_readyz_fails_on_dead_letters(client: Client) -> None:
    worker_beats()
    with mailtools.smtp_sink() as sink, override_settings(**mailtools.smtp_settings(sink.port)):
        sink.rcpt_replies = ["550 5.1.1 No such user here"]
        queue_message("probe:dead")
        assert drain(worker="w").dead == 1
    status, body = ready(client)
    assert status == 503 and body["failed"] == ["dead_letters"]
    assert body["checks"]["dead_letters"] == {"ok": False, "count": 1, "max": 0}
    assert body["checks"]["outbox_backlog"]["count"] == 0  # dead is not waiting to go


def test_readyz_fails_when_the_disk_is_fuller_than_the_setting_allows(client: Client) -> None:
    worker_beats()
    with override_settings(MEMNUN_READY_MIN_FREE_MB=10**12):  # an exabyte free
        status, body = ready(client)
    assert status == 503 and body["failed"] == ["disk"]
    disk = body["checks"]["disk"]
    assert disk["min_mb"] == 10**12 and not disk["ok"]
    from django.db import connection

    expected = {"attachments", "database"} if connection.vendor == "sqlite" else {"attachments"}
    assert set(disk["free_mb"]) == expected


def test_probes_need_no_login_and_leak_no_paths(client: Client) -> None:
    worker_beats()
    response = client.get("/readyz")
    assert response.status_code == 200
    from django.conf import settings

    assert str(settings.MEDIA_ROOT) not in response.content.decode()
    assert client.post("/readyz").status_code == 405  # read-only


@override_settings(SECURE_SSL_REDIRECT=True)
def test_probes_and_metrics_are_not_redirected_to_https(client: Client) -> None:
    worker_beats()
    assert client.get("/track/").status_code == 301  # the site itself is redirected
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.get("/metrics").status_code == 200


def _django_in_subprocess(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**os.environ, "MEMNUN_TESTING": "1", "DJANGO_SETTINGS_MODULE": "memnun.settings",
             **env},
        check=False,
    )


PROBE_ALL = """
import json, django
django.setup()
from django.test.utils import setup_test_environment
setup_test_environment()
from django.test import Client
client = Client()
answers = {path: client.get(path) for path in ("/healthz", "/readyz", "/metrics")}
print(json.dumps({
    "healthz": answers["/healthz"].status_code,
    "readyz": [answers["/readyz"].status_code, answers["/readyz"].json()],
    "metrics": [answers["/metrics"].status_code, answers["/metrics"].content.decode()],
}))
"""


def test_an_unreachable_database_fails_readiness_but_not_health() -> None:
    # A process of its own whose database is a closed port: nothing else is disturbed.
    result = _django_in_subprocess(
        PROBE_ALL, DATABASE_URL="postgres://memnun@127.0.0.1:9/memnun_unreachable",
        MEMNUN_LOG_LEVEL="CRITICAL", MEMNUN_READY_MIN_FREE_MB="1",
    )
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.strip().splitlines()[-1])
    assert answers["healthz"] == 200
    status, body = answers["readyz"]
    assert status == 503
    assert body["failed"] == ["database", "worker_heartbeat", "outbox_backlog", "dead_letters"]
    assert body["checks"]["database"] == {"ok": False, "error": "database unreachable"}
    assert body["checks"]["disk"]["ok"] is True  # read without the database
    assert "127.0.0.1:9" not in json.dumps(body)  # no connection details for strangers
    status, text = answers["metrics"]
    assert status == 200 and "memnun_database_up 0.0" in text


def test_a_wrong_metrics_address_setting_stops_the_start() -> None:
    result = _django_in_subprocess(
        "import django; django.setup()", MEMNUN_METRICS_ALLOWED_ADDRESSES="10.0.0.0/8,intranet"
    )
    assert result.returncode != 0
    assert "MEMNUN_METRICS_ALLOWED_ADDRESSES" in result.stderr and "'intranet'" in result.stderr
