"""Fixed-window rate limits kept in the database, so that every process agrees."""

from __future__ import annotations

import time

from django.db import connection, transaction

from memnun.ratelimit.models import RateWindow


def _window(seconds: int, now: float | None) -> int:
    t = int(now if now is not None else time.time())
    return t - t % seconds


def rate_hit(*, key: str, window_seconds: int, now: float | None = None) -> int:
    """Count one hit for key in the current window; return the window's count."""
    window = _window(window_seconds, now)
    table = RateWindow._meta.db_table
    # One atomic upsert: no read-then-write race between processes.
    sql = (
        f"INSERT INTO {table} (rate_key, window_start, hits) VALUES (%s, %s, 1) "  # noqa: S608
        f"ON CONFLICT (rate_key, window_start) DO UPDATE SET hits = {table}.hits + 1 RETURNING hits"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [key, window])
        row = cursor.fetchone()
    return int(row[0])


def rate_count(*, key: str, window_seconds: int, now: float | None = None) -> int:
    row = RateWindow.objects.filter(rate_key=key, window_start=_window(window_seconds, now)).first()
    return row.hits if row else 0


def rate_exceeded(*, key: str, limit: int, window_seconds: int, now: float | None = None) -> bool:
    """Count a hit and say whether it goes over the limit."""
    return rate_hit(key=key, window_seconds=window_seconds, now=now) > limit


def rate_prune(
    *, older_than_seconds: int = 86400, now: float | None = None, dry_run: bool = False
) -> int:
    """Delete the windows that started more than `older_than_seconds` before now; return
    how many (with `dry_run`, only count them)."""
    cutoff = int(now if now is not None else time.time()) - older_than_seconds
    old = RateWindow.objects.filter(window_start__lt=cutoff)
    if dry_run:
        return old.count()
    deleted, _ = old.delete()
    return deleted
