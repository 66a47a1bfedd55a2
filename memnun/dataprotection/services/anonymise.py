"""Anonymising one case in place (KVKK Art. 7: erasure on request, K8; destruction when
its retention ends, K9): the one writer of `Feedback.anonymised_at`.

Removed: the customer's name, e-mail, phone and postal address; the device's IMEI,
serial number and repair order (the order number leads to the person at the service
centre, `feedback/personal_fields.py`); every free text of the case and beside it
(subject, description, remedy sought, messages and internal notes, questions and
answers, the customer's comments, the survey comment, the reasons given for an
escalation, a proposal's texts, a compensation's decision reason, the role of the
staff involved); its files (stored files deleted once the change commits, unless
another row still points at the same content); the messages sent about it (body,
subject and recipient; a letter's PDF; a message still waiting is not sent); the
e-mails received for it (sender, subject, text, headers, notes, files).

Kept: the reference, type, channel, office, brand (and the product as written), category,
severity, dates, stages, assignments, obligations, scores, amounts, escalation and
closure codes, the root-cause category, the consents and the disclosure log (what was
given to whom, naming no person): every report figure stays the same (the reports
and their rollup read none of what is removed; `report_facts.py` stores the durations).

One transaction with one audit event (ids and counts only). A case anonymised already
is left alone: `already` says so and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.files.storage import Storage
from django.db import transaction
from django.utils import timezone

from memnun.accounts.models import User
from memnun.audit.chain import audit_record
from memnun.feedback.escalation_models import Escalation
from memnun.feedback.models import (
    Attachment,
    CaseMessage,
    Compensation,
    Customer,
    CustomerAnswer,
    CustomerQuestion,
    Feedback,
    InvolvedPerson,
    ResolutionProposal,
    SurveyAnswer,
)
from memnun.feedback.personal_fields import CUSTOMER_FIELDS
from memnun.feedback.services.common import case_lock
from memnun.notifications.models import Letter, MessageStatus, OutboundMessage

REASON_LIMIT = 200
# The outbox's source for a case's messages (feedback/services/messaging.py).
MESSAGE_SOURCE = "feedback"
CANCELLED = "cancelled: the case was anonymised"
SYSTEM = "system"
# The customer row's personal fields (feedback/personal_fields.CUSTOMER_FIELDS and the
# folded name searched by).
PERSON_FIELDS = (*CUSTOMER_FIELDS, "name_folded")


@dataclass(frozen=True)
class Anonymised:
    """What `anonymise_case` did to one case."""

    reference: str
    already: bool
    at: datetime
    files_deleted: int = 0
    messages_cleared: int = 0
    mails_cleared: int = 0


def _blank(model: type, feedback: Feedback, *fields: str) -> int:
    manager = model._default_manager  # type: ignore[attr-defined]
    return int(manager.filter(feedback=feedback).update(**{name: "" for name in fields}))


def _files_delete_after_commit(files: list[tuple[Storage, str]]) -> None:
    """Delete stored files once the transaction commits (a rollback keeps them)."""

    def delete() -> None:
        for storage, name in files:
            storage.delete(name)

    if files:
        transaction.on_commit(delete)


def _unshared(field_rows: list[tuple[Storage, str]], still_used: set[str]) -> list[
    tuple[Storage, str]
]:
    """The files no remaining row points at (stored content is shared by identical files)."""
    seen: set[str] = set()
    out: list[tuple[Storage, str]] = []
    for storage, name in field_rows:
        if name and name not in still_used and name not in seen:
            seen.add(name)
            out.append((storage, name))
    return out


def _case_files(feedback: Feedback) -> list[tuple[Storage, str]]:
    """Delete the case's attachment rows; return their files no other row shares."""
    rows = list(Attachment.objects.filter(feedback=feedback))
    files = [(a.file.storage, a.file.name) for a in rows if a.file]
    Attachment.objects.filter(pk__in=[a.pk for a in rows]).delete()
    still = set(
        Attachment.objects.filter(file__in=[n for _, n in files]).values_list("file", flat=True)
    )
    return _unshared(files, still)


def _inbound(feedback: Feedback) -> tuple[int, list[tuple[Storage, str]]]:
    """Clear the e-mails received for the case (the Message-ID stays: a second delivery of
    the same mail is still recognised and not recorded again); delete their files."""
    mails = feedback.inbound_messages.all()  # mailin's model, reached through the case
    files: list[tuple[Storage, str]] = []
    attachment_model = None
    for mail in mails.prefetch_related("attachments"):
        for attachment in mail.attachments.all():
            attachment_model = type(attachment)
            if attachment.file:
                files.append((attachment.file.storage, attachment.file.name))
            attachment.delete()
    cleared = mails.update(
        from_address="", from_name="", subject="", text="", headers={}, notes=[],
    )
    still: set[str] = set()
    if attachment_model is not None:
        still = set(
            attachment_model._default_manager.filter(file__in=[n for _, n in files])
            .values_list("file", flat=True)
        )
    return int(cleared), _unshared(files, still)


def _outbound(feedback: Feedback) -> tuple[int, list[tuple[Storage, str]]]:
    """Clear the messages sent about the case; one still waiting is not sent any more."""
    messages = OutboundMessage.objects.filter(
        source_type=MESSAGE_SOURCE, source_id=str(feedback.pk)
    )
    messages.filter(status__in=[MessageStatus.PENDING, MessageStatus.FAILED]).update(
        status=MessageStatus.DEAD, last_error=CANCELLED,
    )
    files: list[tuple[Storage, str]] = []
    for letter in Letter.objects.filter(message__in=messages):
        if letter.file:
            files.append((letter.file.storage, letter.file.name))
    Letter.objects.filter(message__in=messages).update(file="")
    cleared = messages.update(recipient="", subject="", text="", html="", headers={}, redact=[])
    return int(cleared), _unshared(files, set())


def anonymise_case(
    feedback: Feedback, *, by: User | None, reason: str, now: datetime | None = None,
) -> Anonymised:
    """Anonymise the case in place; `by` is who asked (None: the system's destruction job),
    `reason` a short reason naming no person ("erasure request 12", "retention rule 3").

    Does not check a role or whether the case may be erased: the callers decide (the
    data-subject request's erasure, the destruction job). Idempotent: a case already
    anonymised comes back with `already=True`, untouched.
    """
    reason = reason.strip()
    if not reason or len(reason) > REASON_LIMIT:
        raise ValueError("anonymise_case needs a short reason (1-200 characters)")
    at = now if now is not None else timezone.now()
    with transaction.atomic():
        case = case_lock(feedback)
        if case.anonymised_at is not None:
            return Anonymised(reference=case.reference, already=True, at=case.anonymised_at)
        customer = case.customer
        if customer.feedback.exclude(pk=case.pk).exists():
            # Shared with another case (intake makes one per case; this is a safeguard):
            # that case keeps the person, this one gets an empty customer of its own.
            customer = Customer.objects.create(
                preferred_contact=customer.preferred_contact, language=customer.language,
            )
            case.customer = customer
        else:
            for name in PERSON_FIELDS:
                setattr(customer, name, "")
            customer.save(update_fields=list(PERSON_FIELDS))
        case.subject = case.description = case.remedy_sought = ""
        case.imei = case.device_serial = case.repair_order = ""
        case.anonymised_at, case.anonymised_reason = at, reason
        case.save(update_fields=[
            "customer", "subject", "description", "remedy_sought", "imei", "device_serial",
            "repair_order", "anonymised_at", "anonymised_reason",
        ])
        _blank(CaseMessage, case, "body")
        _blank(Escalation, case, "text")
        _blank(CustomerAnswer, case, "comment")
        _blank(SurveyAnswer, case, "comment")
        _blank(CustomerQuestion, case, "question", "answer")
        _blank(InvolvedPerson, case, "role_in_subject")
        _blank(Compensation, case, "decision_reason")
        _blank(ResolutionProposal, case, "root_cause", "corrective_action",
               "response_justification", "resolution", "reason")
        files = _case_files(case)
        mails, mail_files = _inbound(case)
        messages, letter_files = _outbound(case)
        deleted = files + mail_files + letter_files
        # Ids and counts only: the reason stays on the case row.
        audit_record(
            actor=by.username if by is not None else SYSTEM, action="feedback.anonymised",
            object_type="feedback", object_id=case.reference,
            data={"files": len(deleted), "messages": messages, "mails": mails},
        )
        _files_delete_after_commit(deleted)
    feedback.refresh_from_db()
    return Anonymised(
        reference=case.reference, already=False, at=at, files_deleted=len(deleted),
        messages_cleared=messages, mails_cleared=mails,
    )
