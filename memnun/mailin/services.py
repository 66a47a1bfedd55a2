"""Turning a received e-mail into feedback, or into a reply on an existing case.

    automatic (auto-reply, bounce, list, our own mail) → stored as ignored, never answered
    a reply to one of our messages                      → stored on that case
    anything else                                       → new feedback, channel "email",
                                                          acknowledged by a reply

Which case a reply belongs to:
* `In-Reply-To`/`References` naming one of our Message-IDs (they are keyed hashes,
  so they cannot be made up from a reference number): that case, whoever sends it;
* a reference in the subject (`[26-000042-7]`) or in the plus-address we reply to
  (`box+26-000042-7@…`), checked with its check digit: that case only when the
  sender is the case's customer. A reference number is not a secret, so a
  stranger quoting one starts a new case instead of writing into someone else's.

A Message-ID is processed once: the row is unique on it, and a second delivery
(IMAP poll after a crash, the MTA retrying mailgate) returns the first outcome.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from memnun.accounts.models import User
from memnun.accounts.roles import Role
from memnun.audit.chain import audit_record
from memnun.feedback.attachments import (
    AttachmentRefused,
    PreparedFile,
    attachment_prepare,
    attachment_save,
    count_problem,
)
from memnun.feedback.codes import AnswerChannel, Channel, ContactMethod, FeedbackType
from memnun.feedback.errors import FieldErrors
from memnun.feedback.models import Feedback
from memnun.feedback.references import reference_parse
from memnun.feedback.selectors.questions import question_open
from memnun.feedback.services.desk_notices import notice_customer_answered
from memnun.feedback.services.intake import (
    AttachmentInput,
    CustomerInput,
    IntakeInput,
    feedback_record,
)
from memnun.feedback.services.messaging import acknowledgement_reply_to
from memnun.feedback.services.questions import TEXT_LIMIT, question_answer
from memnun.mailin.models import InboundAttachment, InboundMessage, InboundStatus
from memnun.mailin.parsing import MailFile, ParsedMail, address_of, mail_parse, plus_tag
from memnun.notifications.selectors import thread_key_for_message_ids

logger = logging.getLogger("memnun.mailin")

MAILGATE_USERNAME = "mailgate"
_MAX_DESCRIPTION = 20000
_NO_SUBJECT = {"tr": "(konusuz e-posta)", "en": "(e-mail without a subject)"}


@dataclass(frozen=True)
class Received:
    status: str
    message: InboundMessage
    duplicate: bool = False

    @property
    def reference(self) -> str | None:
        return self.message.feedback.reference if self.message.feedback else None


def mailgate_user() -> User:
    """The system account that records mail as feedback.

    It is active (the permission matrix only lets active staff record) but has no
    usable password, so nobody can log in as it.
    """
    user, created = User.objects.get_or_create(
        username=MAILGATE_USERNAME,
        defaults={"role": Role.AGENT, "first_name": "E-posta", "last_name": "geçidi"},
    )
    if created or not user.is_active or user.has_usable_password():
        user.is_active = True
        user.set_unusable_password()
        user.save(update_fields=["is_active", "password"])
    return user


def _own_addresses() -> set[str]:
    ours = {address_of(settings.DEFAULT_FROM_EMAIL)}
    if settings.MEMNUN_REPLY_TO:
        ours.add(address_of(settings.MEMNUN_REPLY_TO))
    return {a for a in ours if a}


def _looped(parsed: ParsedMail) -> str:
    """Mail from ourselves, or from the address customers reply to, is never answered."""
    if parsed.from_address in _own_addresses():
        return "sent from our own address (loop)"
    box = settings.MEMNUN_REPLY_TO
    if box and plus_tag(parsed.from_address, address_of(box)):
        return "sent from our reply address (loop)"
    return ""


def _case_for(parsed: ParsedMail) -> Feedback | None:
    trusted = thread_key_for_message_ids(parsed.thread_ids)
    if trusted:
        feedback = Feedback.objects.filter(reference=trusted).first()
        if feedback is not None:
            return feedback
    candidates = []
    quoted = parsed.subject_reference()
    if quoted:
        candidates.append(quoted)
    box = address_of(settings.MEMNUN_REPLY_TO) if settings.MEMNUN_REPLY_TO else ""
    for recipient in parsed.recipients:
        tag = plus_tag(recipient, box)
        if tag:
            candidates.append(tag)
    for raw in candidates:
        reference = reference_parse(raw)
        if reference is None:
            continue
        feedback = Feedback.objects.select_related("customer").filter(reference=reference).first()
        if feedback is not None and feedback.customer.email == parsed.from_address:
            return feedback
    return None


def _accepted_files(
    parsed: ParsedMail, notes: list[str]
) -> list[tuple[MailFile, PreparedFile]]:
    """The files we keep, as sent and as stored (feedback/attachments.py); the others
    are dropped with a note."""
    kept: list[tuple[MailFile, PreparedFile]] = []
    for file in parsed.files:
        problem = count_problem(len(kept) + 1)
        if problem is None:
            try:
                prepared = attachment_prepare(
                    filename=file.filename, declared_type=file.content_type, content=file.content
                )
            except AttachmentRefused as exc:
                problem = exc.message
        if problem is not None:
            notes.append(
                _("Attachment %(name)s was not kept: %(problem)s")
                % {"name": file.filename, "problem": problem}
            )
            continue
        kept.append((file, prepared))
    return kept


def _store(parsed: ParsedMail, *, status: str, source: str, reason: str = "",
           feedback: Feedback | None = None, notes: list[str] | None = None) -> InboundMessage:
    return InboundMessage.objects.create(
        message_id=parsed.message_id,
        status=status,
        reason=reason[:255],
        feedback=feedback,
        from_address=parsed.from_address[:254],
        from_name=parsed.from_name,
        subject=parsed.subject[:255],
        text=parsed.text,
        html_only=parsed.html_only,
        sent_at=parsed.sent_at,
        headers=parsed.headers,
        notes=notes or [],
        size=parsed.size,
        source=source,
    )


def _description(parsed: ParsedMail) -> str:
    text = parsed.text.strip() or parsed.subject or _NO_SUBJECT[parsed.language]
    if len(text) > _MAX_DESCRIPTION:
        text = text[: _MAX_DESCRIPTION - 20].rstrip() + "\n[…]"
    return text


def _record_new(parsed: ParsedMail, source: str) -> InboundMessage:
    notes: list[str] = []
    files = _accepted_files(parsed, notes)
    subject = parsed.subject or _NO_SUBJECT[parsed.language]
    data = IntakeInput(
        type=FeedbackType.COMPLAINT,
        channel=Channel.EMAIL,
        subject=subject[:200],
        description=_description(parsed),
        customer=CustomerInput(
            name=parsed.from_name,
            email=parsed.from_address,
            preferred_contact=ContactMethod.EMAIL,
            language=parsed.language,
        ),
        # Nobody ticks a box in an e-mail: the complaint itself is the legal basis for
        # handling it (product.md, KVKK), and the notice version in force is recorded.
        privacy_notice=True,
        # As sent: the intake prepares them again (an image is re-encoded once).
        attachments=[AttachmentInput(f.filename, "", f.content) for f, _kept in files],
    )
    try:
        with transaction.atomic():
            result = feedback_record(data=data, actor=mailgate_user())
    except FieldErrors as exc:
        problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.fields.items())
        return _store(parsed, status=InboundStatus.REJECTED, source=source,
                      reason=problems, notes=notes)
    inbound = _store(parsed, status=InboundStatus.CREATED, source=source,
                     feedback=result.feedback, notes=notes)
    acknowledgement_reply_to(feedback=result.feedback, message_id=parsed.message_id)
    return inbound


def _record_reply(parsed: ParsedMail, feedback: Feedback, source: str) -> InboundMessage:
    notes: list[str] = []
    files = _accepted_files(parsed, notes)
    inbound = _store(parsed, status=InboundStatus.THREADED, source=source,
                     feedback=feedback, notes=notes)
    for _sent, prepared in files:
        attachment_save(row=InboundAttachment(message=inbound), prepared=prepared)
    audit_record(
        actor=MAILGATE_USERNAME,
        action="feedback.customer_message_received",
        object_type="feedback",
        object_id=feedback.reference,
        data={"channel": "email", "inbound": inbound.pk, "attachments": len(files),
              "dropped": len(notes)},
    )
    if question_open(feedback=feedback) is not None:
        # The reply to a case that waits on the customer is their answer: the clocks run again.
        question_answer(
            feedback=feedback, answer=_description(parsed)[:TEXT_LIMIT],
            channel=AnswerChannel.EMAIL,
        )
    else:
        # A message we did not ask for: the handler hears of it in the desk (an answer to
        # the question is announced by question_answer itself).
        notice_customer_answered(feedback=feedback)
    return inbound


def _process(parsed: ParsedMail, source: str) -> InboundMessage:
    reason = parsed.automatic or _looped(parsed)
    if reason:
        return _store(parsed, status=InboundStatus.IGNORED, source=source, reason=reason)
    feedback = _case_for(parsed)
    if feedback is not None:
        return _record_reply(parsed, feedback, source)
    return _record_new(parsed, source)


def mail_receive(*, raw: bytes, source: str = "mailgate") -> Received:
    """Record one raw e-mail (RFC 5322 bytes) once; see the module docstring."""
    parsed = mail_parse(raw)
    known = InboundMessage.objects.filter(message_id=parsed.message_id).first()
    if known is not None:
        return Received(known.status, known, duplicate=True)
    try:
        with transaction.atomic():
            inbound = _process(parsed, source)
    except IntegrityError:
        known = InboundMessage.objects.filter(message_id=parsed.message_id).first()
        if known is None:
            raise
        return Received(known.status, known, duplicate=True)  # a concurrent delivery won
    # Ids and outcomes only: the sender's address and the Message-ID (which may spell a
    # person's address) are personal data and stay out of the log (K10).
    logger.info("mail %s: %s %s", inbound.pk, inbound.status,
                inbound.reason or (inbound.feedback or ""))
    return Received(inbound.status, inbound)
