"""Reads of the organisation's reference data."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q

from memnun.organisation.models import OnCall


def on_call_for(*, office_id: int, at: datetime) -> list[OnCall]:
    """The office's on-call people at `at`: active rows whose turn covers it."""
    return list(
        OnCall.objects.filter(office_id=office_id, is_active=True)
        .filter(Q(starts_at__isnull=True) | Q(starts_at__lte=at))
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=at))
        .order_by("id")
    )
