"""Whether this installation can do its work: the checks behind `/readyz`.

Each check gives a name, whether it passed and a few figures (counts, ages, megabytes),
never personal data, paths or error texts: `/readyz` answers anyone who asks. The
thresholds are settings (`MEMNUN_READY_*`).
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from memnun.jobs.liveness import last_worker_heartbeat
from memnun.notifications.models import MessageStatus
from memnun.notifications.selectors import outbox_backlog, outbox_counts

logger = logging.getLogger("memnun.health")

Figures = dict[str, object]
MB = 1024 * 1024


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    figures: Figures = field(default_factory=dict)


def readiness(*, now: datetime | None = None) -> list[Check]:
    """Run every check; the database ones are reported failed when the database is not."""
    now = now or timezone.now()
    database = _database()
    checks = [database]
    for names, run in _DATABASE_CHECKS:
        if not database.ok:
            checks += [Check(name, False, {"error": "database unreachable"}) for name in names]
            continue
        try:
            checks += run(now)
        except DatabaseError as exc:
            logger.warning("readiness checks %s failed on a database error: %s", names, exc)
            checks += [Check(name, False, {"error": "database error"}) for name in names]
    checks.append(_disk())
    return checks


def _database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:  # every probe while it lasts: one line each, no traceback
        logger.warning("readiness: the database is unreachable: %s", exc)
        return Check("database", False, {"error": "database unreachable"})
    return Check("database", True)


def _worker_heartbeat(now: datetime) -> list[Check]:
    limit = settings.MEMNUN_READY_HEARTBEAT_MAX_SECONDS
    last = last_worker_heartbeat()
    age = None if last is None else max(0, round((now - last).total_seconds()))
    ok = age is not None and age < limit
    return [Check("worker_heartbeat", ok, {"age_seconds": age, "max_seconds": limit})]


def _outbox(now: datetime) -> list[Check]:
    counts = outbox_counts()
    backlog, backlog_max = outbox_backlog(counts), settings.MEMNUN_READY_OUTBOX_BACKLOG_MAX
    dead, dead_max = counts[MessageStatus.DEAD], settings.MEMNUN_READY_DEAD_LETTERS_MAX
    return [
        Check("outbox_backlog", backlog <= backlog_max, {"count": backlog, "max": backlog_max}),
        Check("dead_letters", dead <= dead_max, {"count": dead, "max": dead_max}),
    ]


# The checks that read the database, with the names of the checks each gives.
_DATABASE_CHECKS: list[tuple[tuple[str, ...], Callable[[datetime], list[Check]]]] = [
    (("worker_heartbeat",), _worker_heartbeat),
    (("outbox_backlog", "dead_letters"), _outbox),
]


def storage_places() -> dict[str, Path]:
    """Where this installation writes to its own disks: the attachments, and the database
    file when the database is SQLite (PostgreSQL's disk is its server's to watch)."""
    places = {"attachments": Path(settings.MEDIA_ROOT)}
    if connection.vendor == "sqlite":
        places["database"] = Path(str(connection.settings_dict["NAME"])).parent
    return places


def _free_mb(path: Path) -> int:
    while not path.exists() and path != path.parent:  # not created yet: its disk is the parent's
        path = path.parent
    return shutil.disk_usage(path).free // MB


def _disk() -> Check:
    limit = settings.MEMNUN_READY_MIN_FREE_MB
    try:
        free = {name: _free_mb(path) for name, path in storage_places().items()}
    except OSError as exc:  # a directory this process may not read counts as no room
        logger.warning("readiness: free disk space unreadable: %s", exc)
        return Check("disk", False, {"error": "disk unreadable", "min_mb": limit})
    return Check("disk", min(free.values()) >= limit, {"free_mb": free, "min_mb": limit})
