"""Feedback's background jobs: the audit chain's sealing backstop, the breach watch,
recording delivered acknowledgements, reminders, staff alerts, overdue CAPA actions,
the report rollup, expired exports, the surge watch."""

from __future__ import annotations

from datetime import datetime

from django.db import DatabaseError
from django.utils import timezone
from django_tasks import task

from memnun.audit.chain import audit_seal_pending
from memnun.feedback.services import exports, messaging
from memnun.feedback.services.breach_watch import breach_watch_task
from memnun.feedback.services.capa_alerts import capa_overdue_alerts_send
from memnun.feedback.services.questions import question_reminders_send
from memnun.feedback.services.report_rollup import rollup_catch_up
from memnun.feedback.services.staff_alerts import staff_alerts_send
from memnun.feedback.services.surges import surges_watch
from memnun.jobs.retry import durable
from memnun.jobs.schedule import every


@every(seconds=60, name="audit.seal")
@task()
def audit_seal() -> int:
    """The backstop of the audit chain: seal events whose after-commit sealing was lost
    (the process died between its commit and the sealing). Lives here because the
    audit and jobs floors may not import each other."""
    return audit_seal_pending()


# Every minute: a warning or a breach is noticed within a minute of its moment.
every(seconds=60, name="feedback.breach_watch")(breach_watch_task)


@durable(max_attempts=8, backoff_base=5, retry_on=(DatabaseError,))
@task()
def acknowledgement_delivered(message_id: int, outcome: str, at: str) -> str:
    """The outbox's callback for an acknowledgement: accepted by the provider, or dead."""
    return messaging.acknowledgement_delivered(
        message_id=message_id, outcome=outcome, at=datetime.fromisoformat(at)
    )


@durable(max_attempts=8, backoff_base=5, retry_on=(DatabaseError,))
@task()
def message_delivered(message_id: int, outcome: str, at: str) -> str:
    """The outbox's callback for other messages to a customer: log the carrier (K4)."""
    return messaging.message_delivered(
        message_id=message_id, outcome=outcome, at=datetime.fromisoformat(at)
    )


@every(seconds=3600, name="feedback.resolution_reminders")
@task()
def resolution_reminders() -> int:
    """Remind customers who have not answered a resolution (MEMNUN_RESOLUTION_REMINDER_DAYS)."""
    return messaging.reminders_send()


@every(seconds=900, name="feedback.question_reminders")
@task()
def question_reminders() -> int:
    """Remind, once, customers who left a question unanswered (MEMNUN_QUESTION_REMINDER_DAYS)."""
    return question_reminders_send(now=timezone.now())


@every(seconds=60, name="feedback.staff_alerts")
@task()
def staff_alerts_deliver() -> int:
    """Send the staff alerts that may go out now (business hours of their office)."""
    return staff_alerts_send(now=timezone.now())


@every(seconds=60, name="feedback.report_rollup")
@task()
def report_rollup_catch_up() -> int:
    """Keep the report rollup within a minute of the cases (the KPI also catches up on read)."""
    return rollup_catch_up()


@every(seconds=900, name="feedback.capa_overdue_alerts")
@task()
def capa_overdue_alerts() -> int:
    """Alert, once, the owners of CAPA actions past their due date (in office hours)."""
    return capa_overdue_alerts_send(now=timezone.now())


# The background export job (services/exports.py) is registered where it is enqueued;
# its files are deleted once expired.
@every(seconds=3600, name="feedback.exports_expire")
@task()
def exports_expire() -> int:
    """Delete the export files past MEMNUN_EXPORT_KEEP_HOURS."""
    return exports.exports_expire(now=timezone.now())


# Hourly, though the rule looks at whole weeks: a week's surges are found within the
# hour after it ends (Monday 00:00 in Istanbul), whenever the workers started, and the
# later runs of the week find them recorded already. One aggregate query a run.
@every(seconds=3600, name="feedback.surge_watch")
@task()
def surge_watch() -> int:
    """Alert the quality managers to the last complete week's surges, once each."""
    return len(surges_watch(now=timezone.now()))
