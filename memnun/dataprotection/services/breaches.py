"""The breach register's writers (K11): record a breach, update its measures, record the
Board's notification (a reason when past 72 hours), notify the affected people, close it,
and the watch that alerts the personal-data contact and the quality managers as the
72 hours run out.

Each is one transaction with its audit event (ids and codes only: never a person's name,
address or number). Alerts and notices are outbox rows written in the same transaction.

Alerts go out at any hour, unlike the case alerts of `feedback/services/staff_alerts.py`
that wait for office hours: the Board's 72 hours are wall-clock hours, and an alert
held over a weekend would arrive after the deadline it warns of.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from datetime import datetime
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from memnun.accounts.models import User
from memnun.accounts.roles import Role
from memnun.audit.chain import audit_record
from memnun.dataprotection import rules
from memnun.dataprotection.categories import category_labels
from memnun.dataprotection.models import Breach, BreachStatus
from memnun.dataprotection.selectors import breach_affected_people
from memnun.feedback.errors import Conflict, FieldErrors
from memnun.feedback.permissions import Action, require
from memnun.notifications.models import MessageChannel, OutboundMessage
from memnun.notifications.outbox import message_queue
from memnun.notifications.rendering import language_of, render_message
from memnun.organisation.models import Office
from memnun.personaldata.fields import PersonalField

A = Action
# Who hears of a breach nearing its deadline.
ALERTED_ROLES = (Role.PRIVACY, Role.QUALITY)


def _now(now: datetime | None) -> datetime:
    return now if now is not None else timezone.now()


def _audit(*, actor: User | str, action: str, breach: Breach, data: dict[str, Any]) -> None:
    audit_record(
        actor=actor if isinstance(actor, str) else actor.username, action=action,
        object_type="breach", object_id=str(breach.pk), data=data,
    )


def _validate(
    *, title: str, description: str, detected_at: datetime | None, aware_at: datetime | None,
    data_categories: Sequence[str], offices: Sequence[str], window_from: datetime | None,
    window_to: datetime | None, consequences: str, measures: str, now: datetime,
) -> tuple[list[str], list[Office]]:
    errors: dict[str, list[str]] = {}
    for name, value, message in (
        ("title", title, _("Give the breach a short title.")),
        ("description", description, _("Say what happened.")),
        ("consequences", consequences, _("Describe the likely consequences for the people.")),
        ("measures", measures, _("Describe the measures taken or planned.")),
    ):
        if not value.strip():
            errors[name] = [message]
    if detected_at is None:
        errors["detected_at"] = [_("Give the time the breach was detected.")]
    elif detected_at > now:
        errors["detected_at"] = [_("This time is in the future.")]
    if aware_at is None:
        errors["aware_at"] = [_("Give the time the company became aware of the breach.")]
    elif aware_at > now:
        errors["aware_at"] = [_("This time is in the future.")]
    elif detected_at is not None and aware_at < detected_at:
        errors["aware_at"] = [_("Awareness cannot come before the detection.")]
    if window_from is None:
        errors["window_from"] = [_("Give the start of the affected period.")]
    if window_to is None:
        errors["window_to"] = [_("Give the end of the affected period.")]
    elif window_from is not None and window_to < window_from:
        errors["window_to"] = [_("The period ends before it begins.")]
    kinds = [k for k in PersonalField if k.value in set(data_categories)]
    if not data_categories:
        errors["data_categories"] = [_("Choose at least one data category.")]
    elif len(kinds) != len(set(data_categories)):
        errors["data_categories"] = [_("Unknown data category.")]
    codes = list(dict.fromkeys(offices))
    rows = list(Office.objects.filter(code__in=codes))
    if not codes:
        errors["offices"] = [_("Choose at least one office.")]
    elif len(rows) != len(codes):
        errors["offices"] = [_("Unknown office.")]
    if errors:
        raise FieldErrors(errors)
    return [k.value for k in kinds], rows


def breach_record(
    *, actor: User, title: str, description: str, detected_at: datetime | None,
    aware_at: datetime | None, data_categories: Sequence[str], offices: Sequence[str],
    window_from: datetime | None, window_to: datetime | None, consequences: str,
    measures: str, now: datetime | None = None,
) -> Breach:
    """Register a breach; its 72 hours run from `aware_at`."""
    require(actor, A.MANAGE_BREACHES)
    at = _now(now)
    kinds, rows = _validate(
        title=title, description=description, detected_at=detected_at, aware_at=aware_at,
        data_categories=data_categories, offices=offices, window_from=window_from,
        window_to=window_to, consequences=consequences, measures=measures, now=at,
    )
    assert detected_at and aware_at and window_from and window_to
    with transaction.atomic():
        breach = Breach.objects.create(
            title=title.strip(), description=description.strip(), detected_at=detected_at,
            aware_at=aware_at, data_categories=kinds, window_from=window_from,
            window_to=window_to, consequences=consequences.strip(), measures=measures.strip(),
            recorded_by=actor, recorded_at=at,
        )
        breach.offices.set(rows)
        _audit(actor=actor, action="breach.recorded", breach=breach, data={
            "aware_at": aware_at.isoformat(), "detected_at": detected_at.isoformat(),
            "data_categories": kinds, "offices": sorted(o.code for o in rows),
            "window": [window_from.isoformat(), window_to.isoformat()],
        })
    return breach


def _lock(breach: Breach) -> Breach:
    return Breach.objects.select_for_update().get(pk=breach.pk)


def breach_measures_update(
    *, actor: User, breach: Breach, consequences: str, measures: str,
) -> Breach:
    """Change the likely consequences and the measures while the breach is not closed."""
    require(actor, A.MANAGE_BREACHES)
    errors: dict[str, list[str]] = {}
    if not consequences.strip():
        errors["consequences"] = [_("Describe the likely consequences for the people.")]
    if not measures.strip():
        errors["measures"] = [_("Describe the measures taken or planned.")]
    if errors:
        raise FieldErrors(errors)
    with transaction.atomic():
        breach = _lock(breach)
        if breach.status == BreachStatus.CLOSED:
            raise Conflict(_("This breach is closed."))
        changed = [name for name, value in (("consequences", consequences),
                                            ("measures", measures))
                   if getattr(breach, name) != value.strip()]
        breach.consequences, breach.measures = consequences.strip(), measures.strip()
        breach.save(update_fields=["consequences", "measures"])
        _audit(actor=actor, action="breach.updated", breach=breach, data={"fields": changed})
    return breach


def breach_board_notified(
    *, actor: User, breach: Breach, notified_at: datetime | None, board_reference: str = "",
    late_reason: str = "", now: datetime | None = None,
) -> Breach:
    """Record that the Board was notified. Past the 72 hours, only with the reason why."""
    require(actor, A.MANAGE_BREACHES)
    at = _now(now)
    errors: dict[str, list[str]] = {}
    if notified_at is None:
        errors["notified_at"] = [_("Give the time the Board was notified.")]
    elif notified_at > at:
        errors["notified_at"] = [_("This time is in the future.")]
    elif notified_at < breach.aware_at:
        errors["notified_at"] = [_("The Board cannot be notified before the company was aware.")]
    elif rules.board_late(aware_at=breach.aware_at, notified_at=notified_at) and not (
        late_reason.strip()
    ):
        errors["late_reason"] = [_(
            "The notification came more than 72 hours after awareness: state the reasons for "
            "the delay (Board Decision 2019/10)."
        )]
    if errors:
        raise FieldErrors(errors)
    assert notified_at is not None
    late = rules.board_late(aware_at=breach.aware_at, notified_at=notified_at)
    with transaction.atomic():
        breach = _lock(breach)
        if breach.status != BreachStatus.OPEN:
            raise Conflict(_("The Board's notification is recorded already."))
        breach.status = BreachStatus.NOTIFIED
        breach.board_notified_at = notified_at
        breach.board_reference = board_reference.strip()
        breach.board_late_reason = late_reason.strip() if late else ""
        breach.save(update_fields=[
            "status", "board_notified_at", "board_reference", "board_late_reason",
        ])
        _audit(actor=actor, action="breach.board_notified", breach=breach, data={
            "notified_at": notified_at.isoformat(), "late": late,
        })
    return breach


def breach_close(*, actor: User, breach: Breach, now: datetime | None = None) -> Breach:
    """Close a breach once the Board has been notified."""
    require(actor, A.MANAGE_BREACHES)
    with transaction.atomic():
        breach = _lock(breach)
        if breach.status != BreachStatus.NOTIFIED:
            raise Conflict(_("A breach is closed once the Board's notification is recorded."))
        breach.status = BreachStatus.CLOSED
        breach.closed_at = _now(now)
        breach.save(update_fields=["status", "closed_at"])
        _audit(actor=actor, action="breach.closed", breach=breach, data={})
    return breach


def privacy_contact() -> str:
    """Where people ask about their data: MEMNUN_PRIVACY_CONTACT, else our sending address."""
    return settings.MEMNUN_PRIVACY_CONTACT or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


def _contact_key(breach: Breach, contact: str) -> str:
    """An outbox key per breach and person that does not spell the address or number."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"breach-notice:{contact}".encode(), hashlib.sha256,
    ).hexdigest()[:24]
    return f"breach_notice:{breach.pk}:{digest}"


def _notice_context(breach: Breach, *, name: str, language: str) -> dict[str, Any]:
    with translation.override(language):
        categories = category_labels(breach.data_categories)
    return {
        "reference": breach.number,
        "customer_name": name,
        "window_from": breach.window_from,
        "window_to": breach.window_to,
        "aware_at": breach.aware_at,
        "data_categories": categories,
        "consequences": breach.consequences,
        "measures": breach.measures,
        "contact": privacy_contact(),
    }


def breach_subjects_notify(*, actor: User, breach: Breach, now: datetime | None = None) -> int:
    """Queue the notice to every reachable affected person: by e-mail, else by SMS.

    Once per person and breach (running it again queues only people found since);
    returns how many notices were queued now.
    """
    require(actor, A.MANAGE_BREACHES)
    at = _now(now)
    with transaction.atomic():
        breach = _lock(breach)
        if breach.status == BreachStatus.CLOSED:
            raise Conflict(_("This breach is closed."))
        queued = 0
        people = breach_affected_people(breach=breach)
        for person in people:
            if not person.reachable:
                continue
            if person.email:
                channel, recipient = MessageChannel.EMAIL, person.email
            else:
                channel, recipient = MessageChannel.SMS, person.phone
            key = _contact_key(breach, recipient.strip().lower())
            if OutboundMessage.objects.filter(idempotency_key=key).exists():
                continue  # told already
            language = language_of(person.language)
            rendered = render_message(
                kind="breach_notice", language=language,
                context=_notice_context(breach, name=person.name, language=language),
            )
            sms = channel == MessageChannel.SMS
            message_queue(
                channel=channel, kind="breach_notice", recipient=recipient, language=language,
                subject="" if sms else rendered.subject,
                text=rendered.sms if sms else rendered.text,
                html="" if sms else rendered.html, idempotency_key=key,
                source_type="breach", source_id=str(breach.pk),
            )
            queued += 1
        breach.subjects_notified_at = at
        breach.subjects_notified = breach.subjects_notified + queued
        breach.save(update_fields=["subjects_notified_at", "subjects_notified"])
        _audit(actor=actor, action="breach.subjects_notified", breach=breach, data={
            "queued": queued, "people": len(people),
            "unreachable": sum(1 for p in people if not p.reachable),
        })
    return queued


def _alert(breach: Breach, user: User, stage: int) -> None:
    language = language_of(settings.LANGUAGE_CODE)
    due_at = rules.board_due_at(breach.aware_at)
    rendered = render_message(kind="breach_alert", language=language, context={
        "reference": breach.number,
        "staff_name": user.display_name,
        "title": breach.title,
        "aware_at": breach.aware_at,
        "due_at": due_at,
        "overdue": stage >= rules.BOARD_HOURS,
        "breach_url": f"{settings.PUBLIC_URL}/desk/breaches/{breach.pk}",
    })
    message_queue(
        channel=MessageChannel.EMAIL, kind="breach_alert", recipient=user.email,
        language=language, subject=rendered.subject, text=rendered.text, html=rendered.html,
        idempotency_key=f"breach_alert:{breach.pk}:{stage}:{user.pk}",
        source_type="breach", source_id=str(breach.pk),
    )


def breach_watch(*, now: datetime) -> int:
    """Alert the personal-data contacts and quality managers of every breach whose Board
    notification is still owed, at 48 and 66 hours after awareness and once it is late.

    Each stage once per breach (a conditional update claims it); a breach first seen past
    two stages gets only the latest. Returns the alerts queued.
    """
    sent = 0
    recipients = list(
        User.objects.filter(is_active=True, role__in=ALERTED_ROLES).exclude(email="")
        .order_by("id")
    )
    first = min(rules.ALERT_HOURS)
    for breach in Breach.objects.filter(status=BreachStatus.OPEN).order_by("aware_at", "id"):
        stage = rules.alert_stage(aware_at=breach.aware_at, now=now)
        if stage < first or stage <= breach.alerted_hours:
            continue
        with transaction.atomic():
            claimed = Breach.objects.filter(
                pk=breach.pk, status=BreachStatus.OPEN, alerted_hours__lt=stage,
            ).update(alerted_hours=stage)
            if not claimed:
                continue
            for user in recipients:
                _alert(breach, user, stage)
                sent += 1
            audit_record(
                actor="system", action="breach.alerted", object_type="breach",
                object_id=str(breach.pk),
                data={"hours": stage, "recipients": [u.pk for u in recipients]},
            )
    return sent
