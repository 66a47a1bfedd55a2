"""Reports read from a replica when there is one (`DATABASE_REPLICA_URL`).

The report selectors (memnun/feedback/selectors/reports/) mark their work with
`replica_reads`; while it runs, reads go to the "replica" database. Everything
else, and every read inside a transaction (a write's own reads must see its
writes), stays on "default". A replica lags its primary by a moment, which a
report over days can bear and a case page could not (docs/deploy.md).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"

_reporting: ContextVar[bool] = ContextVar("memnun_report_reads", default=False)

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def report_reads() -> Iterator[None]:
    """Within this block, reads outside a transaction go to the replica if configured."""
    token = _reporting.set(True)
    try:
        yield
    finally:
        _reporting.reset(token)


def replica_reads(func: Callable[P, R]) -> Callable[P, R]:
    """Run a report selector under `report_reads`."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with report_reads():
            return func(*args, **kwargs)

    return wrapper


class ReplicaRouter:
    """Django's database router: report reads to the replica, the rest to default."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if not _reporting.get() or REPLICA not in connections.settings:
            return None
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return None
        return REPLICA

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        return None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # the same rows, whichever copy they were read from

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db != REPLICA  # the replica follows the primary's WAL, never migrated itself
