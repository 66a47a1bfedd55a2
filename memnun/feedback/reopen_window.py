"""The reopening window: for `MEMNUN_REOPEN_DAYS` calendar days after closure a customer's
return reopens the case; after it, the return is new feedback linked to the old
(`services/follow_up.py`). The one place that does this arithmetic."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings

from memnun.feedback.models import Feedback


def reopen_window_open(*, feedback: Feedback, at: datetime) -> bool:
    """Whether the closed case may still be reopened at `at` (False when it is not closed)."""
    closed_at = feedback.closed_at
    return closed_at is not None and at - closed_at <= timedelta(days=settings.MEMNUN_REOPEN_DAYS)
