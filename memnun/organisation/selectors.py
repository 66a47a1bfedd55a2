"""Reads of the organisation's reference data."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q

from memnun.configcache import config_get, config_instance, config_watch
from memnun.organisation.models import Brand, Category, Office, OnCall
from memnun.servicelevels.models import Calendar

# Offices carry their calendar (select_related): a changed calendar row empties the cache too.
config_watch(Office, Brand, Category, Calendar)


def office_active(*, code: str) -> Office | None:
    """The active office with this code, or None; read through the configuration cache
    (memnun.configcache), with its calendar. A copy: callers may attach it to new rows."""
    return config_instance(config_get(("office", code), lambda: (
        Office.objects.select_related("calendar").filter(code=code, is_active=True).first()
    )))


def on_call_for(*, office_id: int, at: datetime) -> list[OnCall]:
    """The office's on-call people at `at`: active rows whose turn covers it."""
    return list(
        OnCall.objects.filter(office_id=office_id, is_active=True)
        .filter(Q(starts_at__isnull=True) | Q(starts_at__lte=at))
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=at))
        .order_by("id")
    )
