"""Overdue CAPA actions alert their owners, once per action and only in office hours.

An action is overdue once its due date (an Istanbul day) has passed and it is
still open. The periodic job (`tasks.capa_overdue_alerts`) claims each action
with a conditional update of `overdue_alerted_at`, so two workers never alert
twice; an action whose owner's office is closed now waits for a later run.
The hours are every staff alert's (`Deadlines.alert_calendar`, the one rule): the
owner's office's, else the CAPA's office's, else the standard calendar.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction

from memnun.audit.chain import audit_record
from memnun.feedback.capa_codes import CapaActionStatus, CapaStatus
from memnun.feedback.capa_models import CapaAction
from memnun.feedback.deadline_rules import Deadlines
from memnun.feedback.selectors.reports.periods import report_today
from memnun.notifications.models import MessageChannel
from memnun.notifications.outbox import message_queue
from memnun.notifications.rendering import language_of, render_message

KIND = "capa_action_overdue"


def _overdue(now: datetime) -> list[CapaAction]:
    return list(
        CapaAction.objects.filter(
            status=CapaActionStatus.OPEN, overdue_alerted_at__isnull=True,
            due_on__lt=report_today(now=now),
        )
        .exclude(capa__status=CapaStatus.CLOSED)
        .select_related("owner__office__calendar", "capa__office__calendar")
        .order_by("due_on", "id")
    )


def _queue(action: CapaAction) -> None:
    owner = action.owner
    language = language_of(settings.LANGUAGE_CODE)
    capa = action.capa
    rendered = render_message(kind=KIND, language=language, context={
        "reference": capa.number,
        "staff_name": owner.display_name,
        "action_text": action.description,
        "due_on": action.due_on,
        "capa_url": f"{settings.PUBLIC_URL}/desk/capa/{capa.number}",
    })
    message_queue(
        channel=MessageChannel.EMAIL, kind=KIND, recipient=owner.email, language=language,
        subject=rendered.subject, text=rendered.text, html=rendered.html,
        idempotency_key=f"capa_overdue:{action.pk}", source_type="capa", source_id=str(capa.pk),
    )


def capa_overdue_alerts_send(*, now: datetime) -> int:
    """Alert the owner of every overdue action not alerted yet, where it is office hours."""
    sent = 0
    deadlines = Deadlines()
    for action in _overdue(now):
        if not deadlines.alert_may_go(recipient=action.owner, about=action.capa.office, now=now):
            continue
        with transaction.atomic():
            claimed = CapaAction.objects.filter(
                pk=action.pk, overdue_alerted_at__isnull=True
            ).update(overdue_alerted_at=now)
            if not claimed:
                continue
            if action.owner.email and action.owner.is_active:
                _queue(action)
            audit_record(
                actor="system", action="capa.action_overdue_alerted", object_type="capa",
                object_id=action.capa.number,
                data={"action_id": action.pk, "owner": action.owner.username,
                      "due_on": action.due_on.isoformat()},
            )
            sent += 1
    return sent
