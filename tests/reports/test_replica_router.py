"""Report reads go to the replica when `DATABASE_REPLICA_URL` adds one (memnun.dbrouting).

The replica here is a second connection to the test database under the alias
"replica", as settings make it from DATABASE_REPLICA_URL; what is asserted is
which connection carried the report's queries.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from memnun.dbrouting import REPLICA
from memnun.feedback.models import Feedback
from memnun.feedback.selectors.reports.backlog import backlog

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def replica() -> Iterator[None]:
    connections.settings[REPLICA] = copy.deepcopy(connections.settings["default"])
    # Connect now: Django's test case refuses to open connections to aliases it was not
    # told of, and this alias is made here, after the test case was set up.
    connections[REPLICA].connect()
    try:
        yield
    finally:
        connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]


def _queries_by_alias() -> tuple[CaptureQueriesContext, CaptureQueriesContext]:
    return CaptureQueriesContext(connections["default"]), CaptureQueriesContext(
        connections[REPLICA])


def test_a_report_reads_from_the_replica(replica: None) -> None:
    on_default, on_replica = _queries_by_alias()
    with on_default, on_replica:
        answer = backlog(Feedback.objects.all(), now=timezone.now())
    assert answer  # the report answered, from the replica's rows
    assert len(on_replica.captured_queries) > 0
    assert on_default.captured_queries == []


def test_reads_inside_a_transaction_stay_on_the_primary(replica: None) -> None:
    on_default, on_replica = _queries_by_alias()
    with on_default, on_replica, transaction.atomic():
        backlog(Feedback.objects.all(), now=timezone.now())
    assert on_replica.captured_queries == []
    assert len(on_default.captured_queries) > 0


def test_other_reads_stay_on_the_primary(replica: None) -> None:
    on_default, on_replica = _queries_by_alias()
    with on_default, on_replica:
        list(Feedback.objects.all()[:1])
    assert on_replica.captured_queries == []
    assert len(on_default.captured_queries) == 1


def test_without_a_replica_reports_read_the_primary() -> None:
    on_default = CaptureQueriesContext(connections["default"])
    with on_default:
        backlog(Feedback.objects.all(), now=timezone.now())
    assert len(on_default.captured_queries) > 0
