"""Disclosures: a case's personal data given outside the organisation (KVKK Art. 8, K4, K7).

The one door for sharing a case with a third party (a brand, an insurer, a courier):
`disclosure_record` refuses unless a legal basis is on record — the customer's
live consent to third-party sharing — and logs the recipient, the data
categories, the purpose, the basis, the time and who. Messages handed to the
e-mail and SMS providers are disclosures to processors, logged when delivered
(`processor_disclosure_record`, from the delivery callback).

A correction or erasure of the person's data calls `recipients_notify`, which
opens a task per recipient in the log, for the personal-data contact to tell
each of them (Art. 11(1)(f)).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from memnun.accounts.models import User
from memnun.feedback.errors import Conflict, FieldErrors, NotFound
from memnun.feedback.models import Feedback
from memnun.feedback.permissions import Action, require
from memnun.feedback.privacy_codes import (
    ConsentPurpose,
    DataCategory,
    DisclosureBasis,
    RecipientNoticeReason,
)
from memnun.feedback.privacy_models import Disclosure, RecipientNotice
from memnun.feedback.services.common import case_audit, case_lock
from memnun.feedback.services.consents import consent_latest

RECIPIENT_LIMIT = 200
PURPOSE_LIMIT = 500
# What a message to the customer gives its carrier: the address or number, and the case's
# subject and wording of our reply.
MESSAGE_DATA = [DataCategory.CONTACT.value, DataCategory.DESCRIPTION.value]


def _check(recipient: str, purpose: str, data: Sequence[str]) -> list[str]:
    fields: dict[str, list[str]] = {}
    if not recipient:
        fields["recipient"] = [_("Name the recipient.")]
    elif len(recipient) > RECIPIENT_LIMIT:
        fields["recipient"] = [
            _("Keep this under %(limit)s characters.") % {"limit": RECIPIENT_LIMIT}
        ]
    if not purpose:
        fields["purpose"] = [_("Say why the data is given.")]
    elif len(purpose) > PURPOSE_LIMIT:
        fields["purpose"] = [_("Keep this under %(limit)s characters.") % {"limit": PURPOSE_LIMIT}]
    if not data:
        fields["data"] = [_("Choose what is given.")]
    elif any(d not in DataCategory.values for d in data):
        fields["data"] = [_("Unknown data category.")]
    if fields:
        raise FieldErrors(fields)
    # In the table's order, once each.
    return [c for c in DataCategory.values if c in set(data)]


def disclosure_record(
    *, actor: User, feedback: Feedback, recipient: str, purpose: str, data: Sequence[str],
    now: datetime | None = None,
) -> Disclosure:
    """Log that the case is given to a third party; Conflict without a legal basis on record
    (no live consent to third-party sharing). Nothing is written when refused."""
    require(actor, Action.DISCLOSE, feedback)
    recipient, purpose = recipient.strip(), purpose.strip()
    categories = _check(recipient, purpose, data)
    at = now or timezone.now()
    with transaction.atomic():
        locked = case_lock(feedback)
        consent = consent_latest(feedback=locked, purpose=ConsentPurpose.THIRD_PARTY_SHARING)
        if consent is None or not consent.granted:
            raise Conflict(
                _("No legal basis on record: the customer has not consented to sharing with "
                  "third parties, or has withdrawn it.")
                if consent is None
                else _("No legal basis on record: the customer withdrew their consent to "
                       "sharing with third parties.")
            )
        disclosure = Disclosure.objects.create(
            feedback=locked, recipient=recipient, data=categories, purpose=purpose,
            basis=DisclosureBasis.CONSENT, consent=consent, at=at, by=actor,
        )
        # Ids only: the recipient and purpose stay on the row, which can be corrected.
        case_audit(
            actor=actor, action="disclosure.recorded", feedback=locked,
            data={"disclosure": disclosure.pk, "data": categories,
                  "basis": DisclosureBasis.CONSENT.value, "consent": consent.pk},
        )
    return disclosure


def processor_recipient(channel: str) -> str | None:
    """Who carries a message of this channel for us; None for letters (printed here)."""
    return {"email": settings.MEMNUN_EMAIL_PROVIDER, "sms": settings.MEMNUN_SMS_PROVIDER}.get(
        channel
    )


def processor_disclosure_record(
    *, feedback: Feedback, message_id: int, channel: str, at: datetime,
    recipient: str | None = None, data: Sequence[str] = MESSAGE_DATA,
    purpose: str = "message delivery",
) -> Disclosure | None:
    """A message about the case reached its carrier: log it, once per message.

    `recipient` names a carrier other than the channel's provider (a webhook's
    integrator), with what it was given (`data`) and why (`purpose`)."""
    recipient = recipient or processor_recipient(channel)
    if recipient is None:
        return None
    data = list(data)
    with transaction.atomic():
        disclosure, created = Disclosure.objects.get_or_create(
            message_id=message_id,
            defaults={
                "feedback": feedback, "recipient": recipient[:RECIPIENT_LIMIT], "data": data,
                "purpose": purpose[:PURPOSE_LIMIT], "basis": DisclosureBasis.PROCESSOR,
                "at": at, "by": None,
            },
        )
        if created:
            case_audit(
                actor=None, action="disclosure.recorded", feedback=feedback,
                data={"disclosure": disclosure.pk, "data": data,
                      "basis": DisclosureBasis.PROCESSOR.value, "message": message_id},
            )
    return disclosure


def disclosures_of(*, feedback: Feedback) -> list[Disclosure]:
    """The case's disclosure log, oldest first (who the data was given to)."""
    return list(Disclosure.objects.filter(feedback=feedback).select_related("by"))


def disclosures_list(*, actor: User, feedback: Feedback) -> list[Disclosure]:
    require(actor, Action.DISCLOSE, feedback)
    return disclosures_of(feedback=feedback)


def recipients_notify(
    *, feedback: Feedback, reason: str, actor: User | None, now: datetime | None = None
) -> list[RecipientNotice]:
    """A correction or erasure of the person's data: a task per recipient in the case's
    disclosure log (each recipient once), in the caller's transaction when it has one.

    For the code that corrects or erases a customer's data to call (Art. 11(1)(f)).
    """
    if reason not in RecipientNoticeReason.values:
        raise ValueError(f"unknown reason {reason!r}")
    at = now or timezone.now()
    recipients = list(
        Disclosure.objects.filter(feedback=feedback)
        .order_by("recipient").values_list("recipient", flat=True).distinct()
    )
    with transaction.atomic():  # the caller's, when it has one
        tasks = RecipientNotice.objects.bulk_create(
            RecipientNotice(feedback=feedback, recipient=r, reason=reason, created_at=at)
            for r in recipients
        )
        if tasks:
            case_audit(
                actor=actor, action="recipient_notice.created", feedback=feedback,
                data={"reason": reason, "tasks": [t.pk for t in tasks]},
            )
    return tasks


def recipient_notices_open() -> QuerySet[RecipientNotice]:
    """The tasks still to do, oldest first (the personal-data contact's desk list)."""
    return RecipientNotice.objects.filter(done_at__isnull=True).select_related("feedback")


def recipient_notice_done(*, actor: User, notice_id: int) -> RecipientNotice:
    """The recipient was told: the task is done."""
    require(actor, Action.NOTIFY_RECIPIENTS)
    with transaction.atomic():
        task = RecipientNotice.objects.select_for_update().filter(pk=notice_id).first()
        if task is None:
            raise NotFound(_("No such task."))
        if task.done_at is not None:
            raise Conflict(_("This task is done already."))
        task.done_at, task.done_by = timezone.now(), actor
        task.save(update_fields=["done_at", "done_by"])
        case_audit(
            actor=actor, action="recipient_notice.done", feedback=task.feedback,
            data={"task": task.pk},
        )
    return task
