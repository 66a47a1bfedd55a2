"""Periodic jobs of the feedback domain, registered with the job scheduler."""

from __future__ import annotations

from memnun.feedback.services.breach_watch import breach_watch_task
from memnun.jobs.schedule import every

# Every minute: a warning or a breach is noticed within a minute of its moment.
every(seconds=60, name="feedback.breach_watch")(breach_watch_task)

__all__ = ["breach_watch_task"]
