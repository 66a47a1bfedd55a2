"""The open backlog now: how many, how late, how old, per office and per handler.

"Now" figures: the open cases (any status but closed) matching the report's
filters, whatever the period. Overdue is the work queue's "late"
(`selectors/deadline_state.py`, `late_cases`): the case's next running deadline
(`next_due_at`, empty while every clock is paused or met) is strictly past.
Ages are whole days since receipt (24-hour days, floored); the median age (the
capacity report's) is in days to a tenth. The conditions live
here once: the figures (`backlog`) and the cases behind each of them
(`backlog_condition`, for the drill-down) read the same ones.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Min, Q, QuerySet

from memnun.accounts.models import User, display_name
from memnun.dbrouting import replica_reads
from memnun.feedback.models import Feedback
from memnun.feedback.open_cases import open_condition
from memnun.feedback.selectors.deadline_state import late_cases
from memnun.feedback.selectors.reports.catalogue import AGE_BANDS, NO_VALUE
from memnun.organisation.models import Office

_DAY = timedelta(days=1)


def open_cases() -> Q:
    """The backlog's cases: any status but closed (the work queue's too)."""
    return open_condition()


def overdue(now: datetime) -> Q:
    """Open and late as the work queue shows it (`deadline_state.late_cases`)."""
    return late_cases(now)


def age_band(now: datetime, first: int, last: int | None) -> Q:
    # Age in whole days ≥ first ⇔ received at or before now − first days.
    q = Q(received_at__lte=now - first * _DAY)
    if last is not None:
        q &= Q(received_at__gt=now - (last + 1) * _DAY)
    return q


def open_age_medians(
    cases: QuerySet[Feedback], *, now: datetime
) -> dict[int, tuple[int, float]]:
    """Per office (its id): how many open cases among `cases`, and their median age
    in days (to a tenth; the mean of the two middle ones for an even count).

    One grouped count, then per office the one or two middle receipts only, in
    receipt order: no case list is read into Python.
    """
    open_ = cases.filter(open_cases()).order_by()
    counts = dict(open_.values("office_id").annotate(n=Count("*")).values_list("office_id", "n"))
    medians: dict[int, tuple[int, float]] = {}
    for office_id, n in counts.items():
        middle = list(
            open_.filter(office_id=office_id).order_by("received_at", "id")
            .values_list("received_at", flat=True)[(n - 1) // 2 : n // 2 + 1]
        )
        ages = [(now - received) / _DAY for received in middle]
        medians[office_id] = (n, round(sum(ages) / len(ages), 1))
    return medians


# A handler key for the unassigned cases (the answer's null handler).
UNASSIGNED = (NO_VALUE, "-")


def backlog_condition(code: str, key: str | None, *, now: datetime) -> Q | None:
    """The open cases behind one backlog figure, or None for a key the figure has not.

    `backlog.open` and `backlog.overdue`; `backlog.age_days` with a band (`AGE_BANDS`);
    `backlog.by_office` / `backlog.by_handler` with `<office|username>[.open|.overdue|
    .oldest_days]` (a handler of `none` or `-`: the unassigned cases).
    """
    where = open_cases()
    if code == "backlog.overdue":
        return where & overdue(now)
    if code == "backlog.age_days" and key:
        span = AGE_BANDS.get(key)
        return None if span is None else where & age_band(now, *span)
    what, part = key or "", ""
    if "." in what:
        what, _dot, part = what.rpartition(".")
    if part not in ("", "open", "overdue", "oldest_days"):
        return None
    if code == "backlog.by_office" and what:
        where &= Q(office__code=what)
    elif code == "backlog.by_handler" and what:
        where &= Q(assignee__isnull=True) if what in UNASSIGNED else Q(assignee__username=what)
    return where & overdue(now) if part == "overdue" else where


def _days(now: datetime, oldest: datetime | None) -> int | None:
    return None if oldest is None else (now - oldest) // _DAY


def handler_name(first: str | None, last: str | None, username: str | None) -> str | None:
    """A handler's name from a values row (`accounts.display_name`); None when unassigned."""
    return None if username is None else display_name(first=first, last=last, username=username)


def handler_sort_key(row: dict[str, Any], count: str) -> tuple[int, int, str]:
    """Largest first, ties by username, unassigned last among equals."""
    return (-row[count], row["handler"] is None, row["handler"] or "")


@replica_reads
def backlog(cases: QuerySet[Feedback], *, now: datetime) -> dict[str, Any]:
    """The `backlog` figures of the open cases among `cases` (already filtered).

    One grouped query by (office, assignee), which the partial index
    `feedback_open_assignee` covers when no channel or type filter is given.
    """
    # COUNT(*) and COUNT(received_at) (never null), not COUNT(id): `id` is not in that
    # index, and naming it makes PostgreSQL read the table instead of the index alone
    # (246 ms against 23 ms at 200,000 cases). Django allows no filter on COUNT(*).
    rows = list(
        cases.filter(open_cases()).order_by().values("office_id", "assignee_id")
        .annotate(open=Count("*"), overdue=Count("received_at", filter=overdue(now)),
                  oldest=Min("received_at"),
                  **{f"band{i}": Count("received_at", filter=age_band(now, *span))
                     for i, span in enumerate(AGE_BANDS.values())})
    )
    offices = dict(Office.objects.values_list("pk", "code"))
    per_office: dict[str, dict[str, Any]] = {
        code: {"open": 0, "overdue": 0, "oldest": None} for code in sorted(offices.values())
    }
    by_assignee: dict[int | None, dict[str, Any]] = {}
    for row in rows:
        fresh = {"open": 0, "overdue": 0, "oldest": None}
        for group in (per_office[offices[row["office_id"]]],
                      by_assignee.setdefault(row["assignee_id"], fresh)):
            group["open"] += row["open"]
            group["overdue"] += row["overdue"]
            if group["oldest"] is None or row["oldest"] < group["oldest"]:
                group["oldest"] = row["oldest"]
    by_office = {
        code: {"open": g["open"], "overdue": g["overdue"], "oldest_days": _days(now, g["oldest"])}
        for code, g in per_office.items()
    }
    people = {
        pk: (username, handler_name(first, last, username))
        for pk, username, first, last in User.objects.filter(pk__in=set(by_assignee) - {None})
        .values_list("pk", "username", "first_name", "last_name")
    }
    handlers = [
        {"handler": people[pk][0] if pk is not None else None,
         "name": people[pk][1] if pk is not None else None,
         "open": group["open"], "overdue": group["overdue"],
         "oldest_days": _days(now, group["oldest"])}
        for pk, group in by_assignee.items()
    ]
    handlers.sort(key=lambda row: handler_sort_key(row, "open"))
    return {
        "open": sum(row["open"] for row in rows),
        "overdue": sum(row["overdue"] for row in rows),
        "age_days": {key: sum(row[f"band{i}"] for row in rows)
                     for i, key in enumerate(AGE_BANDS)},
        "by_office": by_office,
        "by_handler": handlers,
    }
