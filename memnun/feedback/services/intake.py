"""Recording feedback from any channel: the only writer of new feedback."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import imei as stdnum_imei
from stdnum.exceptions import ValidationError as StdnumError

from memnun.accounts.models import User
from memnun.audit.chain import audit_record
from memnun.feedback.attachments import (
    AttachmentRefused,
    PreparedFile,
    attachment_prepare,
    attachment_save,
    count_problem,
)
from memnun.feedback.codes import (
    CONTACTLESS_CHANNELS,
    PUBLIC_CHANNELS,
    AckMethod,
    Channel,
    ContactMethod,
    FeedbackType,
    Language,
    Status,
)
from memnun.feedback.errors import FieldErrors, NotPermitted
from memnun.feedback.models import Attachment, Customer, Feedback, Obligation, StageChange
from memnun.feedback.permissions import Action, may
from memnun.feedback.privacy_codes import (
    NOTICE_GIVEN_BY_CHANNEL,
    ConsentChannel,
    ConsentPurpose,
    NoticeGiven,
)
from memnun.feedback.references import reference_allocate, tracking_code_hash, tracking_code_new
from memnun.feedback.selectors.repeats import repeat_exists
from memnun.feedback.services.consents import consents_write
from memnun.feedback.services.obligations import obligations_open, obligations_plan
from memnun.feedback.services.privacy_notice import notice_current
from memnun.organisation.brands import brand_for_text
from memnun.organisation.models import Office
from memnun.organisation.selectors import office_active
from memnun.rowinsert import row_insert
from memnun.text import phone_e164, tr_fold

# The codes intake accepts, as sets: an enum's `.values` builds a new list on every use.
_TYPES, _CHANNELS = frozenset(FeedbackType.values), frozenset(Channel.values)
_LANGUAGES, _CONTACTS = frozenset(Language.values), frozenset(ContactMethod.values)

# Channels where the acknowledgement is given on the spot by the person recording it.
_ACKNOWLEDGED_AT_INTAKE = {
    Channel.PHONE: AckMethod.PHONE,
    Channel.FRONT_OFFICE: AckMethod.IN_PERSON,
}


@dataclass(frozen=True)
class CustomerInput:
    name: str = ""
    email: str = ""
    phone: str = ""
    preferred_contact: str = ""
    language: str = Language.TURKISH
    address: str = ""


@dataclass(frozen=True)
class AttachmentInput:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class IntakeInput:
    type: str
    channel: str
    subject: str
    description: str
    customer: CustomerInput
    privacy_notice: bool
    office: str | None = None
    remedy_sought: str = ""
    brand: str = ""
    product: str = ""
    device_serial: str = ""
    imei: str = ""
    repair_order: str = ""
    # Explicit consents for the optional purposes (never a condition of recording it).
    third_party_sharing: bool = False
    survey: bool = False
    # Where those consents were given (ConsentChannel): the web form for the public,
    # staff for the desk, unless the interface says (the API).
    consent_channel: str = ""
    received_at: datetime | None = None
    attachments: list[AttachmentInput] = field(default_factory=list)


@dataclass(frozen=True)
class IntakeResult:
    feedback: Feedback
    tracking_code: str
    # The obligations the intake opened, as written: callers answer from them unread.
    obligations: tuple[Obligation, ...] = ()


class _Errors:
    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.fields.setdefault(name, []).append(message)

    def raise_if_any(self) -> None:
        if self.fields:
            raise FieldErrors(self.fields)


def _normalise_phone(raw: str, errors: _Errors) -> str:
    if not raw.strip():
        return ""
    number = phone_e164(raw)
    if not number:
        errors.add("customer.phone", _("Enter a valid phone number, e.g. +90 532 123 45 67."))
    return number


def _normalise_imei(raw: str, errors: _Errors) -> str:
    if not raw.strip():
        return ""
    try:
        return str(stdnum_imei.validate(raw))
    except StdnumError:
        errors.add("imei", _("This is not a valid 15-digit IMEI."))
        return ""


def _resolve_office(code: str | None, actor: User | None, errors: _Errors) -> Office | None:
    if not code:
        if actor is not None and actor.office_id is not None:
            return actor.office
        code = settings.MEMNUN_DEFAULT_OFFICE
    office = office_active(code=code)
    if office is None:
        errors.add("office", _("Unknown office: %(code)s.") % {"code": code})
    return office


def _check(data: IntakeInput, actor: User | None, now: datetime, errors: _Errors) -> None:
    if data.type not in _TYPES:
        errors.add("type", _("Unknown feedback type."))
    if data.channel not in _CHANNELS:
        errors.add("channel", _("Unknown channel."))
    if actor is None and data.channel not in PUBLIC_CHANNELS:
        raise NotPermitted(_("Only staff may record feedback from this channel."))
    if not data.subject.strip():
        errors.add("subject", _("A subject is required."))
    elif len(data.subject) > 200:
        errors.add("subject", _("Keep the subject under 200 characters."))
    if not data.description.strip():
        errors.add("description", _("Please describe the matter."))
    elif len(data.description) > 20000:
        errors.add("description", _("Keep the description under 20,000 characters."))
    given = NOTICE_GIVEN_BY_CHANNEL.get(data.channel)
    if not data.privacy_notice and given is not None and given != NoticeGiven.ACKNOWLEDGEMENT:
        # Where the notice can come first it must have; where the customer wrote first,
        # it goes out with the acknowledgement.
        errors.add(
            "consent.privacy_notice",
            _("The privacy notice must be acknowledged before feedback can be recorded."),
        )
    if data.received_at is not None:
        if actor is None:
            errors.add("received_at", _("Only staff may set the time of receipt."))
        elif data.received_at.tzinfo is None:
            errors.add("received_at", _("Give the time with its offset, e.g. +03:00."))
        elif data.received_at > now:
            errors.add("received_at", _("The time of receipt cannot be in the future."))
    customer = data.customer
    if customer.language not in _LANGUAGES:
        errors.add("customer.language", _("Unknown language."))
    if customer.preferred_contact and customer.preferred_contact not in _CONTACTS:
        errors.add("customer.preferred_contact", _("Unknown contact method."))
    if len(customer.name) > 200:
        errors.add("customer.name", _("Keep the name under 200 characters."))
    if len(customer.address) > 1000:
        errors.add("customer.address", _("Keep the address under 1,000 characters."))
    if customer.email.strip():
        try:
            validate_email(customer.email.strip())
        except ValidationError:
            errors.add("customer.email", _("Enter a valid e-mail address."))
    elif (
        not customer.phone.strip()
        and data.channel in _CHANNELS
        and data.channel not in CONTACTLESS_CHANNELS
    ):
        errors.add("customer", _("Give an e-mail address or a phone number so we can reply."))
    if customer.preferred_contact == ContactMethod.EMAIL and not customer.email.strip():
        errors.add("customer.email", _("An e-mail address is needed to reply by e-mail."))
    if customer.preferred_contact in (ContactMethod.PHONE, ContactMethod.SMS) and not (
        customer.phone.strip()
    ):
        errors.add("customer.phone", _("A phone number is needed to reply by phone or SMS."))
    for label, value, limit in (
        ("brand", data.brand, 100),
        ("product", data.product, 200),
        ("device_serial", data.device_serial, 64),
        ("repair_order", data.repair_order, 64),
        ("remedy_sought", data.remedy_sought, 5000),
    ):
        if len(value) > limit:
            errors.add(label, _("Keep this under %(limit)s characters.") % {"limit": limit})
    too_many = count_problem(len(data.attachments))
    if too_many:
        errors.add("attachments", too_many)


def _prepare(data: IntakeInput, errors: _Errors) -> list[PreparedFile]:
    """The files as they will be stored (clean names, images re-encoded), or why not."""
    prepared = []
    for i, attachment in enumerate(data.attachments):
        try:
            prepared.append(attachment_prepare(
                filename=attachment.filename,
                declared_type=attachment.content_type,
                content=attachment.content,
            ))
        except AttachmentRefused as exc:
            errors.add(f"attachments.{i}", exc.message)
    return prepared


def feedback_record(*, data: IntakeInput, actor: User | None) -> IntakeResult:
    """Validate and record feedback with its reference number, in one transaction.

    `actor` is the member of staff recording it, or None for the public web form.
    Nothing is written unless everything is valid.
    """
    if actor is not None and not may(actor, Action.RECORD):
        raise NotPermitted(_("Your role may not record feedback."))
    now = timezone.now()
    errors = _Errors()
    _check(data, actor, now, errors)
    phone = _normalise_phone(data.customer.phone, errors)
    imei = _normalise_imei(data.imei, errors)
    office = _resolve_office(data.office, actor, errors)
    files = _prepare(data, errors)
    errors.raise_if_any()
    assert office is not None
    received_at = data.received_at or now
    code = tracking_code_new()
    # Kept as written; linked when it names a known brand. Never a reason to refuse.
    brand_text = " ".join(data.brand.split())
    brand = brand_for_text(text=brand_text)

    notice = notice_current(now=now)
    notice_given = NOTICE_GIVEN_BY_CHANNEL[Channel(data.channel)]
    consent_channel = data.consent_channel or (
        ConsentChannel.WEB_FORM if actor is None else ConsentChannel.STAFF
    )

    ack_method = _ACKNOWLEDGED_AT_INTAKE.get(Channel(data.channel))
    repair_order = data.repair_order.strip()
    # Built, with its deadlines worked out, before the transaction: SQLite lets one
    # writer in at a time, and the lock is held from the transaction's start (IMMEDIATE),
    # so only what needs the database's state waits for it (issue 14).
    customer = Customer(
        name=data.customer.name.strip(),
        email=data.customer.email.strip().lower(),
        phone=phone,
        address=data.customer.address.strip(),
        preferred_contact=data.customer.preferred_contact,
        language=data.customer.language,
        name_folded=tr_fold(data.customer.name),
    )
    feedback = Feedback(
        tracking_code_hash=tracking_code_hash(code),
        type=data.type,
        channel=data.channel,
        office=office,
        subject=data.subject.strip(),
        description=data.description.strip(),
        remedy_sought=data.remedy_sought.strip(),
        brand_text=brand_text,
        brand=brand,
        product=data.product.strip(),
        device_serial=data.device_serial.strip(),
        imei=imei,
        repair_order=repair_order,
        received_at=received_at,
        recorded_by=actor,
        privacy_notice_version=notice.version,
        privacy_notice=notice,
        privacy_notice_given=notice_given,
        # Given before the data, at the call or visit; with the acknowledgement: when sent.
        privacy_notice_at=None if notice_given == NoticeGiven.ACKNOWLEDGEMENT else received_at,
        # Given on the spot, when the call or visit took place, not when typed in.
        ack_sent_at=received_at if ack_method else None,
        ack_method=ack_method or "",
    )
    # The acknowledgement and resolution deadlines.
    planned = obligations_plan(feedback=feedback)

    with transaction.atomic():
        row_insert(customer)
        feedback.customer = customer
        # Marked once here so the queue shows it cheaply; the case page lists the repeats.
        feedback.is_repeat = repeat_exists(
            imei=imei, repair_order=repair_order, phone=customer.phone, email=customer.email,
            received_at=received_at,
        )
        feedback.reference = reference_allocate(year=timezone.localtime(now).year)
        # Inserted with the case, which gets its copies of their deadlines.
        obligations = obligations_open(feedback=feedback, planned=planned)
        row_insert(StageChange(feedback=feedback, status=Status.CREATED, at=now, by=actor))
        # Each purpose the customer ticked, with the notice in force; nothing when unticked.
        consents = consents_write(
            feedback=feedback,
            changes={ConsentPurpose.THIRD_PARTY_SHARING: data.third_party_sharing,
                     ConsentPurpose.SURVEY: data.survey},
            channel=consent_channel, by=actor, at=now, new_case=True,
        )
        for file in files:
            attachment_save(row=Attachment(feedback=feedback), prepared=file)
        # No personal data in the audit trail: it can never be erased from it.
        audit_record(
            actor=actor.username if actor else "",
            action="feedback.created",
            object_type="feedback",
            object_id=feedback.reference,
            data={
                "after": {
                    "status": feedback.status,
                    "type": feedback.type,
                    "channel": feedback.channel,
                    "office": office.code,
                    "brand": brand.code if brand else None,
                    "received_at": received_at,
                    "ack_due_at": feedback.ack_due_at,
                    "ack_sent_at": feedback.ack_sent_at,
                    "obligations": {o.kind: o.due_at for o in obligations},
                    "attachments": len(data.attachments),
                    "consents": {c.purpose: c.granted for c in consents},
                    "privacy_notice_version": notice.version,
                    "privacy_notice_given": notice_given,
                }
            },
        )
        # The acknowledgement message, queued in this transaction (services/messaging.py).
        from memnun.feedback.services.messaging import message_acknowledgement

        message_acknowledgement(feedback=feedback, tracking_code=code, opened=obligations)
    return IntakeResult(feedback=feedback, tracking_code=code, obligations=tuple(obligations))
