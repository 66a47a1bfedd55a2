"""The Prometheus metrics behind `/metrics`.

Two kinds, each kept where it stays right when gunicorn runs several processes:

* Request latency is measured in the process that served the request, in a histogram.
  With `PROMETHEUS_MULTIPROC_DIR` set (`memnun run` and `memnun serve` set it), every
  process writes its samples to a file there and the scrape adds up all the files, so
  whichever process answers `/metrics` reports every process's requests.
* Everything else is read from the database at scrape time (intakes by channel, the
  outbox, open breaches, job failures, the worker heartbeat): those rows are written by
  many processes, some not web processes at all (the job worker records e-mail intakes
  and runs the jobs; `memnun mailgate` is a process of its own), so only the database
  knows the whole count. Nothing is lost when a process dies or restarts.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest
from django.utils import timezone
from prometheus_client import REGISTRY, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from memnun.dataprotection.selectors import breach_open_counts
from memnun.feedback.selectors.intake_counts import intake_counts_by_channel
from memnun.jobs.liveness import last_worker_heartbeat
from memnun.jobs.selectors import job_failures_since
from memnun.notifications.models import MessageStatus
from memnun.notifications.selectors import outbox_backlog, outbox_counts

logger = logging.getLogger("memnun.health")

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
# Methods named as such in the latency labels; anything else is "other" (bounded labels).
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNRESOLVED = "unresolved"  # no URL pattern matched, or middleware answered first

REQUEST_SECONDS = Histogram(
    "memnun_http_request_duration_seconds",
    "Time from receiving a request to handing back its response, by URL name, method and"
    " status class.",
    ["view", "method", "status"],
)


def request_observe(request: HttpRequest, status_code: int, seconds: float) -> None:
    match = getattr(request, "resolver_match", None)
    method = request.method if request.method in METHODS else "other"
    REQUEST_SECONDS.labels(
        view=match.view_name if match is not None else UNRESOLVED,
        method=method,
        status=f"{status_code // 100}xx",
    ).observe(seconds)


class DatabaseCollector(Collector):
    """The figures the database holds, read at each scrape."""

    def collect(self) -> Iterator[Metric]:
        try:
            metrics = list(_database_metrics())
        except DatabaseError as exc:
            logger.warning("metrics: the database could not be read: %s", exc)
            metrics, up = [], 0
        else:
            up = 1
        yield GaugeMetricFamily(
            "memnun_database_up", "Whether the database answered this scrape (1) or not (0).",
            value=up,
        )
        yield from metrics


def _database_metrics() -> Iterator[Metric]:
    intakes = CounterMetricFamily(
        "memnun_intakes", "Feedback recorded, by channel (counted in the database).",
        labels=["channel"],
    )
    for channel, count in intake_counts_by_channel().items():
        intakes.add_metric([channel], count)
    yield intakes

    counts = outbox_counts()
    yield GaugeMetricFamily(
        "memnun_outbox_backlog", "Messages not yet out: waiting, backing off or being sent.",
        value=outbox_backlog(counts),
    )
    yield GaugeMetricFamily(
        "memnun_outbox_dead_letters", "Messages that failed for good and wait for an operator.",
        value=counts[MessageStatus.DEAD],
    )
    by_status = GaugeMetricFamily(
        "memnun_outbox_messages", "Messages in the outbox by status (sent ones not counted).",
        labels=["status"],
    )
    for status, count in counts.items():
        by_status.add_metric([status], count)
    yield by_status

    breaches = GaugeMetricFamily(
        "memnun_breaches_open",
        "Personal-data breaches not closed: open (the Board not told yet) or notified.",
        labels=["status"],
    )
    for status, count in breach_open_counts().items():
        breaches.add_metric([status], count)
    yield breaches

    window = settings.MEMNUN_METRICS_JOB_FAILURE_WINDOW_SECONDS
    failures = GaugeMetricFamily(
        "memnun_job_failures_recent",
        f"Job attempts that failed in the last {window} seconds, by task and outcome"
        " (retry: tried again later; failed: for good; lost: with its worker).",
        labels=["task", "outcome"],
    )
    since = timezone.now() - timedelta(seconds=window)
    for (task, outcome), count in sorted(job_failures_since(since=since).items()):
        failures.add_metric([task, outcome], count)
    yield failures

    last = last_worker_heartbeat()
    if last is not None:
        yield GaugeMetricFamily(
            "memnun_worker_heartbeat_age_seconds",
            "Seconds since the most recently alive job worker last beat.",
            value=max(0.0, (timezone.now() - last).total_seconds()),
        )


def exposition() -> bytes:
    """The metrics in Prometheus' text format."""
    if os.environ.get(MULTIPROCESS_ENV):
        # Every process's samples, from the files they write (not this process's registry).
        processes = CollectorRegistry()
        MultiProcessCollector(processes)  # type: ignore[no-untyped-call]
        served = generate_latest(processes)
    else:
        served = generate_latest(REGISTRY)
    database = CollectorRegistry(auto_describe=False)
    database.register(DatabaseCollector())
    return served + generate_latest(database)
