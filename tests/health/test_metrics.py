"""`/metrics`: what Prometheus reads after real work, and who may read it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import health_tasks
import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone
from scrape import samples, value

from memnun.jobs.models import JobAttempt
from memnun.jobs.worker import Worker
from tests.conftest import feedback_payload
from tests.dataprotection.breaches import breach

pytestmark = pytest.mark.django_db

INTAKE = {"view": "api-v1:feedback_create", "method": "POST", "status": "2xx"}
FAILED_JOB = {"task": "health_tasks.broken", "outcome": "failed"}


def scrape(client: Client, **extra: Any) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    response = client.get("/metrics", **extra)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    return samples(response.content.decode())


def test_metrics_after_an_intake_and_a_failed_job(demo: None, client: Client) -> None:
    before = scrape(client)
    assert value(before, "memnun_database_up") == 1

    response = client.post("/api/v1/feedback", feedback_payload(), content_type="application/json")
    assert response.status_code == 201
    with transaction.atomic():
        health_tasks.broken.enqueue()
    after_intake = scrape(client)
    # The intake, counted in the database by channel; the other channels are listed at 0.
    assert value(after_intake, "memnun_intakes_total", channel="web") == (
        value(before, "memnun_intakes_total", channel="web") + 1
    )
    assert ("memnun_intakes_total", frozenset({("channel", "fax")})) in after_intake
    # Its request in the latency histogram, by URL name, method and status class.
    assert value(after_intake, "memnun_http_request_duration_seconds_count", **INTAKE) == (
        value(before, "memnun_http_request_duration_seconds_count", **INTAKE) + 1
    )
    assert value(after_intake, "memnun_http_request_duration_seconds_sum", **INTAKE) > 0
    # The acknowledgement waits in the outbox.
    assert value(after_intake, "memnun_outbox_backlog") == 1
    assert value(after_intake, "memnun_outbox_messages", status="pending") == 1

    Worker(worker_id="metrics-test", periodic={}).run(once=True)  # sends it, runs the job
    after_work = scrape(client)
    assert value(after_work, "memnun_job_failures_recent", **FAILED_JOB) == 1
    assert value(after_work, "memnun_outbox_backlog") == 0
    assert value(after_work, "memnun_outbox_dead_letters") == 0
    # The worker stopped cleanly (`once`): its heartbeat is gone with it.
    assert ("memnun_worker_heartbeat_age_seconds", frozenset()) not in after_work


def test_job_failures_are_those_of_the_window(demo: None, client: Client) -> None:
    with transaction.atomic():
        health_tasks.broken.enqueue()
    Worker(worker_id="metrics-test", periodic={}).run(once=True)
    assert value(scrape(client), "memnun_job_failures_recent", **FAILED_JOB) == 1
    hours_ago = timezone.now() - timedelta(hours=2)
    JobAttempt.objects.filter(worker_id="metrics-test").update(finished_at=hours_ago)
    assert value(scrape(client), "memnun_job_failures_recent", **FAILED_JOB) == 0
    with override_settings(MEMNUN_METRICS_JOB_FAILURE_WINDOW_SECONDS=3 * 3600):
        assert value(scrape(client), "memnun_job_failures_recent", **FAILED_JOB) == 1


def test_open_breaches_by_status(demo: None, client: Client) -> None:
    before = scrape(client)
    breach(aware_at=timezone.now())
    after = scrape(client)
    assert value(after, "memnun_breaches_open", status="open") == (
        value(before, "memnun_breaches_open", status="open") + 1
    )
    assert ("memnun_breaches_open", frozenset({("status", "notified")})) in after
    assert ("memnun_breaches_open", frozenset({("status", "closed")})) not in after


def test_failed_requests_and_unknown_paths_are_timed_by_status_class(client: Client) -> None:
    unknown = {"view": "unresolved", "method": "GET", "status": "4xx"}
    refused = {"view": "readyz", "method": "POST", "status": "4xx"}
    before = scrape(client)
    assert client.get("/no/such/page").status_code == 404
    assert client.post("/readyz").status_code == 405
    after = scrape(client)
    for labels in (unknown, refused):
        assert value(after, "memnun_http_request_duration_seconds_count", **labels) == (
            value(before, "memnun_http_request_duration_seconds_count", **labels) + 1
        )


def test_the_worker_heartbeat_age(client: Client) -> None:
    Worker(worker_id="beating", periodic={}).beat()
    age = value(scrape(client), "memnun_worker_heartbeat_age_seconds")
    assert 0 <= age < 5


# Access: (settings, client address, headers, expected status).
TOKEN = "Xk3-metrics-token"
OUTSIDE = "203.0.113.7"
ACCESS = [
    pytest.param({}, "127.0.0.1", {}, 200, id="loopback"),
    pytest.param({}, "::1", {}, 200, id="loopback-v6"),
    pytest.param({}, "::ffff:127.0.0.1", {}, 200, id="loopback-mapped"),
    pytest.param({}, OUTSIDE, {}, 404, id="outside"),
    pytest.param({}, "127.0.0.1", {"HTTP_X_FORWARDED_FOR": OUTSIDE}, 404, id="via-proxy"),
    pytest.param({}, "127.0.0.1", {"HTTP_X_FORWARDED_PROTO": "https"}, 404, id="via-tls-proxy"),
    pytest.param({"MEMNUN_METRICS_ALLOWED_ADDRESSES": ["10.0.0.0/8"]}, "10.20.30.40", {}, 200,
                 id="allowed-network"),
    pytest.param({"MEMNUN_METRICS_ALLOWED_ADDRESSES": ["10.0.0.0/8"]}, "127.0.0.1", {}, 404,
                 id="loopback-not-listed"),
    pytest.param({"MEMNUN_METRICS_ALLOWED_ADDRESSES": []}, "127.0.0.1", {}, 404, id="none-listed"),
    pytest.param({"MEMNUN_METRICS_TOKEN": TOKEN}, OUTSIDE,
                 {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}, 200, id="token"),
    pytest.param({"MEMNUN_METRICS_TOKEN": TOKEN}, "127.0.0.1",
                 {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}", "HTTP_X_FORWARDED_FOR": OUTSIDE}, 200,
                 id="token-via-proxy"),
    pytest.param({"MEMNUN_METRICS_TOKEN": TOKEN}, OUTSIDE,
                 {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}x"}, 403, id="wrong-token"),
    pytest.param({"MEMNUN_METRICS_TOKEN": TOKEN}, OUTSIDE,
                 {"HTTP_AUTHORIZATION": f"Basic {TOKEN}"}, 403, id="not-bearer"),
    pytest.param({"MEMNUN_METRICS_TOKEN": TOKEN}, "127.0.0.1",
                 {"HTTP_AUTHORIZATION": "Bearer guess"}, 403, id="wrong-token-loopback"),
    pytest.param({}, OUTSIDE, {"HTTP_AUTHORIZATION": "Bearer "}, 403, id="no-token-configured"),
]


@pytest.mark.parametrize(("overrides", "address", "headers", "expected"), ACCESS)
def test_who_may_read_the_metrics(
    client: Client, overrides: dict[str, Any], address: str, headers: dict[str, str],
    expected: int,
) -> None:
    with override_settings(**overrides):
        response = client.get("/metrics", REMOTE_ADDR=address, **headers)
    assert response.status_code == expected
    if expected != 200:
        assert b"memnun_" not in response.content
    else:
        assert b"memnun_intakes_total" in response.content
