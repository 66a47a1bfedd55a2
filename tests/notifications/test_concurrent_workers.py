"""Several workers at once never send a message twice (PostgreSQL: SKIP LOCKED claims)."""

from __future__ import annotations

import re
import threading
import time
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from memnun.notifications.delivery import drain
from memnun.notifications.models import OutboundMessage
from memnun.notifications.outbox import message_id_for
from tests.mailtools import SmtpSink

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

_MESSAGE_ID = re.compile(rb"^Message-ID: (<[^>]+>)", re.M | re.I)


def _fill(count: int) -> None:
    now = timezone.now()
    OutboundMessage.objects.bulk_create(
        OutboundMessage(
            channel="email", kind="test", recipient=f"customer{i}@example.com", language="tr",
            subject=f"Mesaj {i} [26-000001-4]", text=f"Merhaba {i}", thread_key="26-000001-4",
            message_id=message_id_for(f"concurrent:{i}"), idempotency_key=f"concurrent:{i}",
            next_attempt_at=now, created_at=now,
        )
        for i in range(count)
    )


def _run_workers(names: list[str]) -> list[BaseException]:
    errors: list[BaseException] = []
    start = threading.Barrier(len(names))

    def work(name: str) -> None:
        try:
            start.wait()
            while True:
                report = drain(worker=name, budget=60)
                if report.sent == 0 and not report.more:
                    break
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(name,)) for name in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return errors


def _check(sink: SmtpSink, count: int) -> Counter[str]:
    ids = [m.group(1).decode() for r in sink.received if (m := _MESSAGE_ID.search(r.raw))]
    assert len(sink.received) == count, f"{len(sink.received)} deliveries for {count} messages"
    assert len(set(ids)) == count
    assert OutboundMessage.objects.filter(status="sent", attempts=1).count() == count
    return Counter(OutboundMessage.objects.values_list("claimed_by", flat=True))


def test_two_workers_deliver_1000_messages_once_each_on_postgresql(sink: SmtpSink) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the concurrent claim test of record runs on PostgreSQL")
    _fill(1000)
    began = time.monotonic()
    assert _run_workers(["worker-a", "worker-b"]) == []
    by_worker = _check(sink, 1000)
    assert set(by_worker) == {"worker-a", "worker-b"}, by_worker  # both took a share
    assert time.monotonic() - began < 30


def test_two_workers_on_sqlite_too(sink: SmtpSink) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the PostgreSQL variant above covers it")
    _fill(200)
    assert _run_workers(["worker-a", "worker-b"]) == []
    _check(sink, 200)
