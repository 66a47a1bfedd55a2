"""The open backlog now: how many, how late, how old, per office and per handler.

"Now" figures: the open cases (any status but closed) matching the report's
filters, whatever the period. Overdue is the work queue's "late"
(`selectors/deadline_state.py`): the case's next running deadline
(`next_due_at`, empty while every clock is paused or met) is strictly past.
Ages are whole days since receipt (24-hour days, floored).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Min, Q, QuerySet

from memnun.feedback.codes import Status
from memnun.feedback.models import Feedback
from memnun.feedback.selectors.reports.catalogue import AGE_BANDS
from memnun.organisation.models import Office

_DAY = timedelta(days=1)


def _band(now: datetime, first: int, last: int | None) -> Q:
    # Age in whole days ≥ first ⇔ received at or before now − first days.
    q = Q(received_at__lte=now - first * _DAY)
    if last is not None:
        q &= Q(received_at__gt=now - (last + 1) * _DAY)
    return q


def _days(now: datetime, oldest: datetime | None) -> int | None:
    return None if oldest is None else (now - oldest) // _DAY


def staff_name(first: str | None, last: str | None, username: str | None) -> str | None:
    if username is None:
        return None
    return f"{first or ''} {last or ''}".strip() or username


def handler_sort_key(row: dict[str, Any], count: str) -> tuple[int, int, str]:
    """Largest first, ties by username, unassigned last among equals."""
    return (-row[count], row["handler"] is None, row["handler"] or "")


def backlog(cases: QuerySet[Feedback], *, now: datetime) -> dict[str, Any]:
    """The `backlog` figures of the open cases among `cases` (already filtered)."""
    open_cases = cases.exclude(status=Status.CLOSED).order_by()
    overdue = Q(next_due_at__lt=now)
    totals = open_cases.aggregate(
        open=Count("pk"), overdue=Count("pk", filter=overdue),
        **{f"band{i}": Count("pk", filter=_band(now, *span))
           for i, span in enumerate(AGE_BANDS.values())},
    )
    by_office = {
        code: {"open": 0, "overdue": 0, "oldest_days": None}
        for code in Office.objects.order_by("code").values_list("code", flat=True)
    }
    rows = open_cases.values("office__code").annotate(
        open=Count("pk"), overdue=Count("pk", filter=overdue), oldest=Min("received_at"),
    )
    for row in rows:
        by_office[row["office__code"]] = {
            "open": row["open"], "overdue": row["overdue"],
            "oldest_days": _days(now, row["oldest"]),
        }
    handlers = [
        {"handler": row["assignee__username"],
         "name": staff_name(row["assignee__first_name"], row["assignee__last_name"],
                            row["assignee__username"]),
         "open": row["open"], "overdue": row["overdue"],
         "oldest_days": _days(now, row["oldest"])}
        for row in open_cases.values(
            "assignee__username", "assignee__first_name", "assignee__last_name"
        ).annotate(open=Count("pk"), overdue=Count("pk", filter=overdue),
                   oldest=Min("received_at"))
    ]
    handlers.sort(key=lambda row: handler_sort_key(row, "open"))
    return {
        "open": totals["open"], "overdue": totals["overdue"],
        "age_days": {key: totals[f"band{i}"] for i, key in enumerate(AGE_BANDS)},
        "by_office": by_office,
        "by_handler": handlers,
    }
