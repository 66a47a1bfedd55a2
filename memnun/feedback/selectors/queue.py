"""The fair work queue: open cases by earliest running deadline, then receipt, then id.

Nothing about the customer takes part in the order (product.md, "Fair order"):
only the case's own deadline, the time it reached us and its row id as the
final tie-break. Cases with no running deadline (all met, or waiting for the
customer) follow after every case with one, oldest first.

Pages are keyset-paginated on (next_due_at, received_at, id), which the
partial indexes `feedback_queue_office` and `feedback_queue_all` hold in
order, so a page costs the same at the start of the queue and deep into it.
The cursor is opaque to clients: URL-safe base64 of the last row's key.

Work filters (assigned to me, overdue, waiting for the customer…) are read and
turned into a condition by `selectors/work_filters.py`; they only narrow the rows,
so the order stays the fair one. `queue_glance` is the home's look at a filtered
queue: how many, and the first few in the same order.

Scope: office-bound roles (agent, handler, reviewer) see their office's
queue. Asking for another office is refused (NotPermitted → 403) rather than
answered with an empty page, which would read as "nothing to do there".
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from memnun.accounts.models import User
from memnun.feedback.codes import Status
from memnun.feedback.errors import FieldErrors, NotPermitted
from memnun.feedback.models import Feedback
from memnun.feedback.permissions import queue_office_scope
from memnun.feedback.selectors.search import CaseFilters, cases_filtered
from memnun.feedback.selectors.work_filters import CaseListFilters, work_condition
from memnun.organisation.models import Office

QUEUE_PAGE_DEFAULT = 50
QUEUE_PAGE_MAX = 200
_FIELDS = (
    "id", "reference", "type", "channel", "status", "received_at", "office__code",
    "office__name", "next_due_at", "next_due_kind", "next_warn_at", "customer__name",
    "is_repeat",
)


@dataclass(frozen=True)
class QueueKey:
    """Where a page ended: the last row's place in the order."""

    due_at: datetime | None
    received_at: datetime
    id: int


@dataclass(frozen=True)
class QueuePage:
    items: list[Feedback]
    next: str | None
    office: Office | None


def cursor_encode(key: QueueKey) -> str:
    raw = [key.due_at.isoformat() if key.due_at else None, key.received_at.isoformat(), key.id]
    return base64.urlsafe_b64encode(json.dumps(raw, separators=(",", ":")).encode()).decode()


def _bad_cursor() -> FieldErrors:
    return FieldErrors({"cursor": [_("This is not a cursor from a previous page.")]})


def cursor_decode(cursor: str) -> QueueKey:
    """The key inside a cursor; FieldErrors for anything a previous page did not give."""
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor.encode("ascii")))
        due, received, pk = raw
        key = QueueKey(
            datetime.fromisoformat(due) if due is not None else None,
            datetime.fromisoformat(received),
            pk,
        )
    except (ValueError, TypeError, UnicodeError, binascii.Error) as exc:
        raise _bad_cursor() from exc
    if type(key.id) is not int or key.received_at.tzinfo is None or (
        key.due_at is not None and key.due_at.tzinfo is None
    ):
        raise _bad_cursor()
    return key


def queue_office(*, user: User, office: str | None) -> Office | None:
    """The office whose queue to show: the asked one if the user may, else their own."""
    bound = queue_office_scope(user)
    if not office:
        return Office.objects.filter(pk=bound).first() if bound is not None else None
    found = Office.objects.filter(code=office).first()
    if found is None:
        raise FieldErrors({"office": [_("Unknown office: %(code)s.") % {"code": office}]})
    if bound is not None and found.pk != bound:
        raise NotPermitted(_("You work the queue of your own office only."))
    return found


def _beyond(qs: QuerySet[Feedback], key: QueueKey, *, after: bool = True) -> QuerySet[Feedback]:
    """The cases after `key` in the fair order, or before it (`after=False`)."""
    gt, gte = ("gt", "gte") if after else ("lt", "lte")
    # The leading ">=" gives the index a range to start from; the OR settles ties.
    if key.due_at is not None:
        return qs.filter(**{f"next_due_at__{gte}": key.due_at}).filter(
            Q(**{f"next_due_at__{gt}": key.due_at})
            | Q(**{f"received_at__{gt}": key.received_at})
            | Q(received_at=key.received_at, **{f"id__{gt}": key.id})
        )
    return qs.filter(**{f"received_at__{gte}": key.received_at}).filter(
        Q(**{f"received_at__{gt}": key.received_at}) | Q(**{f"id__{gt}": key.id})
    )


def queue_page(
    *, user: User, office: str | None = None, limit: int = QUEUE_PAGE_DEFAULT,
    cursor: str | None = None, status: str = "", type: str = "", channel: str = "",
    work: CaseListFilters | None = None, now: datetime | None = None,
) -> QueuePage:
    """One page of the fair queue the user may see, and the cursor of the next.

    `work`: the work filters (`work_filters.py`) on top of status, type and channel."""
    if not 1 <= limit <= QUEUE_PAGE_MAX:
        raise FieldErrors(
            {"limit": [_("Ask for 1 to %(max)s cases.") % {"max": QUEUE_PAGE_MAX}]}
        )
    key = cursor_decode(cursor) if cursor else None
    scope = queue_office(user=user, office=office)
    if not user.is_active:
        return QueuePage([], None, scope)
    base = _open_cases(
        user=user, scope=scope, filters=CaseListFilters(status=status, type=type, channel=channel),
        work=work, now=now or timezone.now(),
    )
    items: list[Feedback] = []
    if key is None or key.due_at is not None:
        with_due = base.filter(next_due_at__isnull=False)
        if key is not None:
            with_due = _beyond(with_due, key)
        items = list(with_due.order_by("next_due_at", "received_at", "id")[: limit + 1])
    if len(items) <= limit:
        without_due = base.filter(next_due_at__isnull=True)
        if key is not None and key.due_at is None:
            without_due = _beyond(without_due, key)
        items += list(without_due.order_by("received_at", "id")[: limit + 1 - len(items)])
    more = len(items) > limit
    items = items[:limit]
    last = items[-1] if items else None
    next_cursor = (
        cursor_encode(QueueKey(last.next_due_at, last.received_at, last.pk))
        if more and last is not None
        else None
    )
    return QueuePage(items, next_cursor, scope)


@dataclass(frozen=True)
class QueueNeighbours:
    previous: str | None
    next: str | None


def queue_key(feedback: Feedback) -> str:
    """A case's place in the fair order now, as a cursor (see `queue_neighbours`)."""
    return cursor_encode(QueueKey(feedback.next_due_at, feedback.received_at, feedback.pk))


def queue_neighbours(
    *, user: User, feedback: Feedback, at: str | None = None, office: str | None = None,
    status: str = "", type: str = "", channel: str = "", work: CaseListFilters | None = None,
) -> QueueNeighbours:
    """The references just before and after a case in the same fair queue (same filters).

    The next one is `queue_page` asked for one case after the case's key, so
    the order is the queue's own; the previous one walks the same order backwards.
    `at` is the case's place when the user opened it from the list (`queue_key`):
    answering a case moves it down the queue (its next deadline changes), and
    the next case is still the one that followed it in the list the user saw.
    A case that has left the list (closed, filtered out) still has a place in
    the order, so the neighbours are where it would sit. FieldErrors for a bad `at`.
    """
    now = timezone.now()
    key = (
        cursor_decode(at) if at
        else QueueKey(feedback.next_due_at, feedback.received_at, feedback.pk)
    )
    # The list's work filters too (a view such as assigned=me&deadline=overdue), and never
    # the case itself: answered, it may sit later in the same list than its old place.
    after = [f for f in queue_page(
        user=user, office=office, limit=2, cursor=cursor_encode(key), status=status,
        type=type, channel=channel, work=work, now=now,
    ).items if f.pk != feedback.pk]
    base = _open_cases(
        user=user, scope=queue_office(user=user, office=office),
        filters=CaseListFilters(status=status, type=type, channel=channel), work=work, now=now,
    ).exclude(pk=feedback.pk)
    without_due = base.filter(next_due_at__isnull=True)
    with_due = base.filter(next_due_at__isnull=False)
    before: Feedback | None = None
    if key.due_at is None:
        before = _beyond(without_due, key, after=False).order_by("-received_at", "-id").first()
    if before is None:
        if key.due_at is not None:
            with_due = _beyond(with_due, key, after=False)
        before = with_due.order_by("-next_due_at", "-received_at", "-id").first()
    return QueueNeighbours(
        previous=before.reference if before else None,
        next=after[0].reference if after else None,
    )


def _open_cases(
    *, user: User, scope: Office | None, filters: CaseListFilters,
    work: CaseListFilters | None, now: datetime,
) -> QuerySet[Feedback]:
    """The open cases of the queue the user may see, filtered; not yet ordered."""
    # `exclude` writes NOT (status = 'closed'): the indexes' own condition.
    # The visible cases only: an office-bound user without an office sees none.
    # Objective filters on the case itself (the office is `scope`); the order stays the fair one.
    base = cases_filtered(
        user=user,
        filters=CaseFilters(status=filters.status, type=filters.type, channel=filters.channel),
    ).exclude(status=Status.CLOSED)
    if scope is not None:
        base = base.filter(office_id=scope.pk)
    if work is not None and work.has_work():
        base = base.filter(work_condition(work, user=user, now=now))
    return base.select_related("office", "customer").only(*_FIELDS)


@dataclass(frozen=True)
class QueueGlance:
    count: int
    items: list[Feedback]


def queue_glance(
    *, user: User, filters: CaseListFilters, limit: int, now: datetime,
    office: Office | None = None,
) -> QueueGlance:
    """How many open cases the filters leave in the user's queue, and the first `limit` in
    fair order: two queries whatever the number of cases (`office`: the user's queue office,
    `queue_office(user=user, office=None)`, read once by the caller)."""
    if not user.is_active:
        return QueueGlance(0, [])
    base = _open_cases(user=user, scope=office, filters=filters, work=filters, now=now)
    items = list(base.order_by(
        F("next_due_at").asc(nulls_last=True), "received_at", "id"
    )[:limit])
    # Always counted (never "the page was short, so that is all"): the home's query
    # count must not depend on how many cases there are.
    return QueueGlance(base.count(), items)
