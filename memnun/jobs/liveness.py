"""The job workers' freshest sign of life, for readiness probes and metrics.

One function, so that whoever reads liveness (`/readyz`, `/metrics`) reads it the same
way, and a change in how workers prove they live changes this file only.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Max

from memnun.jobs.models import WorkerHeartbeat


def last_worker_heartbeat() -> datetime | None:
    """When the most recently alive job worker last beat; None when no worker has a beat.

    A worker beats every few seconds (`Worker.heartbeat_every`, a thread of its own, so a
    long task does not stop it) and removes its row when it stops cleanly; a killed
    worker's row stays with its last beat until recovery forgets it a day later.
    """
    beat_at: datetime | None = WorkerHeartbeat.objects.aggregate(last=Max("beat_at"))["last"]
    return beat_at
