"""Notifications inside the desk: the one writer of `DeskNotification`.

Each function is called by the service whose change it announces, inside that
service's transaction, so a notice exists exactly when its change does:

* `assigned` — raised by `assignment.assignment_write` (start, reassign): to the new
  assignee, unless they took the case themselves.
* `customer_answered` — the customer answered our question (`questions.question_answer`)
  or the resolution (`customer_answers.customer_answer_record`), or sent an e-mail we
  did not ask for (mailin): to the case's handler, the office's leads while nobody
  holds it.
* `review_requested` — `lifecycle.feedback_propose`: to the office's leads (its
  reviewers, its quality managers when it has none), never the proposer.
* `deadline_at_risk` — the breach watch warned of a deadline: to the case's handler,
  the office's leads while nobody holds it.

Staff recording an answer the customer gave by phone raise none: they know already.
The e-mail alerts (`StaffAlert`, `messaging.message_staff_alert`) are separate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from django.utils import timezone

from memnun.accounts.models import User
from memnun.feedback.desk_notice_models import DeskNoticeKind, DeskNotification
from memnun.feedback.models import Feedback, Obligation
from memnun.feedback.selectors.staff import office_leads


def _raise(*, user_ids: Iterable[int], kind: str, feedback: Feedback, at: datetime) -> int:
    rows = [
        DeskNotification(user_id=uid, kind=kind, feedback=feedback, created_at=at)
        for uid in dict.fromkeys(user_ids)  # once each, in order
    ]
    DeskNotification.objects.bulk_create(rows)
    return len(rows)


def _holders(feedback: Feedback) -> list[int]:
    """Who hears about a case's work: its handler, or the office's leads while it has none."""
    if feedback.assignee_id is not None:
        return [feedback.assignee_id]
    return [u.pk for u in office_leads(office_id=feedback.office_id)]


def notice_assigned(
    *, feedback: Feedback, assignee: User, actor: User, at: datetime
) -> int:
    """A case was given to `assignee` (by someone else)."""
    if assignee.pk == actor.pk:
        return 0
    return _raise(user_ids=[assignee.pk], kind=DeskNoticeKind.ASSIGNED, feedback=feedback, at=at)


def notice_customer_answered(*, feedback: Feedback, at: datetime | None = None) -> int:
    """The customer wrote: an answer to our question or to the resolution, or an e-mail."""
    return _raise(
        user_ids=_holders(feedback), kind=DeskNoticeKind.CUSTOMER_ANSWERED, feedback=feedback,
        at=at or timezone.now(),
    )


def notice_review_requested(*, feedback: Feedback, proposer: User, at: datetime) -> int:
    """A resolution waits for a second person: the office's leads, never the proposer."""
    leads = [u.pk for u in office_leads(office_id=feedback.office_id) if u.pk != proposer.pk]
    return _raise(
        user_ids=leads, kind=DeskNoticeKind.REVIEW_REQUESTED, feedback=feedback, at=at
    )


def notices_deadline_at_risk(
    *, obligations: Iterable[Obligation], leads_of: Callable[[int], list[User]], at: datetime
) -> int:
    """The breach watch warned of these deadlines. `leads_of(office_id)` is the watch's
    own cache of each office's leads, so a batch reads them once per office."""
    rows: list[DeskNotification] = []
    for o in obligations:
        case = o.feedback
        users = (
            [case.assignee_id] if case.assignee_id is not None
            else [u.pk for u in leads_of(case.office_id)]
        )
        rows += [
            DeskNotification(
                user_id=uid, kind=DeskNoticeKind.DEADLINE_AT_RISK, feedback=case, created_at=at
            )
            for uid in dict.fromkeys(users)
        ]
    DeskNotification.objects.bulk_create(rows)
    return len(rows)


def notice_open(*, user: User, notice: DeskNotification, now: datetime | None = None) -> None:
    """The user opened one of their notifications: it is read (once; the first time stays)."""
    if notice.user_id != user.pk:  # the selector scopes it; this is the writer's own guard
        raise ValueError("not the user's notification")
    if notice.read_at is None:
        notice.read_at = now or timezone.now()
        DeskNotification.objects.filter(pk=notice.pk, read_at__isnull=True).update(
            read_at=notice.read_at
        )


def notices_read_all(*, user: User, now: datetime | None = None) -> int:
    """Mark every unread notification of the user read; how many were."""
    return DeskNotification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )
