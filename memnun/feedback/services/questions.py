"""Waiting for the customer: a question asked, its answer, and one reminder.

A case `in_progress` whose handler needs information only the customer can
give stays `in_progress` but waits: an open `CustomerQuestion` is what waiting
means. While it is open the resolution, first-response and update clocks are
paused (`obligations_pause`); the answer — on the tracking page, by e-mail
(mailin) or recorded by staff — restarts them, each deadline moved on by the
business time spent waiting (`obligations_resume`). A case that leaves
`in_progress` unanswered withdraws the question (`obligations_follow_status`).
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from memnun.accounts.models import User
from memnun.feedback.codes import AnswerChannel, Status
from memnun.feedback.errors import Conflict, FieldErrors
from memnun.feedback.models import CustomerQuestion, Feedback
from memnun.feedback.permissions import Action, require
from memnun.feedback.selectors.questions import question_open
from memnun.feedback.services import messaging
from memnun.feedback.services.common import case_audit, case_lock, ensure_status, now_or
from memnun.feedback.services.customer_answers import STAFF_CHANNELS
from memnun.feedback.services.desk_notices import notice_customer_answered
from memnun.feedback.services.involvement import ensure_not_involved
from memnun.feedback.services.obligations import (
    obligations_customer_told,
    obligations_pause,
    obligations_resume,
)
from memnun.servicelevels.clock import business_days_later
from memnun.servicelevels.store import calendar_get

TEXT_LIMIT = 5000
# The audit trail's actor when the customer answers themselves.
CUSTOMER_ACTOR = "customer"
# How a customer answers on their own: the tracking page, or a reply to our e-mail.
CUSTOMER_CHANNELS = frozenset({AnswerChannel.WEB, AnswerChannel.EMAIL})


def _text(value: str, field: str, empty: str) -> str:
    text = value.strip()
    if not text:
        raise FieldErrors({field: [empty]})
    if len(text) > TEXT_LIMIT:
        raise FieldErrors(
            {field: [_("Keep it under %(limit)s characters.") % {"limit": TEXT_LIMIT}]}
        )
    return text


def question_ask(
    *, actor: User, feedback: Feedback, question: str, now: datetime | None = None
) -> CustomerQuestion:
    """Ask the customer for information: the case waits and its clocks pause.

    The question is a written word to the customer (it meets the first response and
    restarts the update clock) and goes out by their preferred channel.
    """
    require(actor, Action.ASK_CUSTOMER, feedback)
    text = _text(question, "question", _("Write the question."))
    at = now_or(now)
    with transaction.atomic():
        feedback = case_lock(feedback)
        ensure_status(
            feedback, [Status.IN_PROGRESS],
            _("The customer is asked questions while the case is in progress."),
        )
        ensure_not_involved(feedback, actor)
        if question_open(feedback=feedback) is not None:
            raise Conflict(_("A question to the customer is already open: wait for the answer."))
        row = CustomerQuestion.objects.create(
            feedback=feedback, question=text, asked_by=actor, asked_at=at
        )
        obligations_customer_told(feedback=feedback, at=at, substantive=True)
        obligations_pause(feedback=feedback, at=at, actor=actor)
        messaging.message_question(feedback, row)
        case_audit(actor=actor, action="feedback.question_asked", feedback=feedback,
                   data={"question_id": row.pk})
    return row


def question_answer(
    *, feedback: Feedback, answer: str, channel: str = AnswerChannel.WEB,
    recorded_by: User | None = None, now: datetime | None = None,
) -> CustomerQuestion:
    """Record the customer's answer to the open question; the clocks run again.

    `recorded_by` is None when the customer answers themselves (the tracking page,
    an e-mail reply); staff give the channel the answer came by. 409 without an
    open question.
    """
    if recorded_by is not None:
        require(recorded_by, Action.ASK_CUSTOMER, feedback)
        if channel not in STAFF_CHANNELS:
            raise FieldErrors({"channel": [_("Say how the customer gave their answer.")]})
    elif channel not in CUSTOMER_CHANNELS:
        raise FieldErrors({"channel": [_("Say how the customer gave their answer.")]})
    text = _text(answer, "answer", _("Write your answer."))
    at = now_or(now)
    with transaction.atomic():
        feedback = case_lock(feedback)
        row = (
            CustomerQuestion.objects.select_for_update()
            .filter(feedback=feedback, answered_at__isnull=True, withdrawn_at__isnull=True)
            .first()
        )
        if row is None:
            raise Conflict(_("No question awaits the customer's answer."))
        row.answer, row.answered_at, row.answer_channel = text, at, channel
        row.recorded_by = recorded_by
        row.save(update_fields=["answer", "answered_at", "answer_channel", "recorded_by"])
        obligations_resume(
            feedback=feedback, at=at, actor=recorded_by or CUSTOMER_ACTOR
        )
        case_audit(actor=recorded_by, action="feedback.question_answered", feedback=feedback,
                   data={"question_id": row.pk, "channel": channel})
        if recorded_by is None:
            notice_customer_answered(feedback=feedback, at=at)
        if recorded_by is None and feedback.assignee is not None:
            # The handler hears of it: the case is theirs to work again.
            messaging.message_staff_alert(
                feedback.assignee, "customer_reply", feedback, key=f"question:{row.pk}"
            )
    return row


def question_reminders_send(*, now: datetime | None = None) -> int:
    """Remind each customer once whose question has waited the configured business days.

    Counted on the office's calendar (MEMNUN_QUESTION_REMINDER_DAYS): asked on a
    Monday with three days, the reminder goes at Thursday's opening.
    """
    now = now or timezone.now()
    days = settings.MEMNUN_QUESTION_REMINDER_DAYS
    sent = 0
    waiting = CustomerQuestion.objects.filter(
        answered_at__isnull=True, withdrawn_at__isnull=True, reminded_at__isnull=True
    ).select_related("feedback__office", "feedback__customer")
    for row in waiting.iterator(chunk_size=200):
        calendar = calendar_get(row.feedback.office.calendar_code)
        if business_days_later(calendar, row.asked_at, days) > now:
            continue
        with transaction.atomic():
            # Claimed under the row's lock: two workers never remind twice.
            claimed = CustomerQuestion.objects.filter(
                pk=row.pk, reminded_at__isnull=True, answered_at__isnull=True,
                withdrawn_at__isnull=True,
            ).update(reminded_at=now)
            if not claimed:
                continue
            messaging.message_question_reminder(row.feedback, row)
            case_audit(actor=None, action="feedback.question_reminded", feedback=row.feedback,
                       data={"question_id": row.pk})
            sent += 1
    return sent
