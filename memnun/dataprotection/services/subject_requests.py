"""The register of data subjects' requests (KVKK Art. 11 and 13; K6, K8): record a request
with the cases that hold the person's data, export what is held, rectify the customer's
data, erase it by anonymising the cases, answer with reasons, and the watch that alerts
the personal-data contact before an answer falls due.

Each writer is one transaction with its audit event (ids, codes and field names only).
Whether a case must be kept rather than erased is one function, `erasure_keep_reason`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from memnun.accounts.models import User
from memnun.accounts.roles import Role
from memnun.audit.chain import audit_record
from memnun.dataprotection import rules
from memnun.dataprotection.models import RequestStatus, SubjectRequest, SubjectRight
from memnun.dataprotection.retention import case_kept_by_hold
from memnun.dataprotection.services.anonymise import anonymise_case
from memnun.feedback.codes import Language, Status
from memnun.feedback.errors import Conflict, FieldErrors, NotFound
from memnun.feedback.models import Customer, Feedback
from memnun.feedback.permissions import Action, require
from memnun.feedback.personal_fields import CUSTOMER_FIELDS
from memnun.feedback.privacy_codes import RecipientNoticeReason
from memnun.feedback.services.common import case_audit, case_lock
from memnun.feedback.services.disclosures import recipients_notify
from memnun.notifications.models import MessageChannel, OutboundMessage
from memnun.notifications.outbox import message_queue
from memnun.notifications.rendering import language_of, render_message
from memnun.text import phone_e164, tr_fold

A = Action
IDENTITY_LIMIT = 2000
ANSWER_LIMIT = 20_000
# The outbox's source for a case's messages (feedback/services/messaging.py).
MESSAGE_SOURCE = "feedback"


def complaint_right_sentence(language: str) -> str:
    """The sentence every answer ends with (KVKK Art. 14): the right to complain to the Board."""
    with translation.override(language_of(language)):
        return _(
            "If you find this answer unsatisfactory, or receive none within 30 days, you may "
            "complain to the Personal Data Protection Board (Kişisel Verileri Koruma Kurulu) "
            "within 30 days of learning of our answer, and in any case within 60 days of your "
            "request (KVKK Art. 14)."
        )


def _now(now: datetime | None) -> datetime:
    return now if now is not None else timezone.now()


def _audit(*, actor: User | str, action: str, request: SubjectRequest,
           data: dict[str, Any]) -> None:
    audit_record(
        actor=actor if isinstance(actor, str) else actor.username, action=action,
        object_type="subject_request", object_id=str(request.pk), data=data,
    )


def subject_cases(*, email: str, phone: str) -> list[Feedback]:
    """Every case whose customer has this e-mail (compared without case) or this phone
    (E.164, as intake stores it), oldest first. Nothing for a blank contact."""
    condition = Q()
    if email.strip():
        condition |= Q(customer__email__iexact=email.strip())
    if phone.strip():
        condition |= Q(customer__phone=phone_e164(phone) or phone.strip())
    if not condition:
        return []
    return list(
        Feedback.objects.filter(condition).select_related("customer")
        .order_by("received_at", "id")
    )


def _contacts(email: str, phone: str) -> tuple[str, str]:
    errors: dict[str, list[str]] = {}
    email, phone = email.strip(), phone.strip()
    if not email and not phone:
        errors["subject"] = [_("Give the person's e-mail address or phone number.")]
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["subject.email"] = [_("Enter a valid e-mail address.")]
    normalised = phone_e164(phone) if phone else ""
    if phone and not normalised:
        errors["subject.phone"] = [_("Enter a valid phone number, e.g. +90 532 123 45 67.")]
    if errors:
        raise FieldErrors(errors)
    return email.lower(), normalised


def request_record(
    *, actor: User, right: str, email: str, phone: str, identity_check: str,
    language: str = Language.TURKISH, received_at: datetime | None = None,
    now: datetime | None = None,
) -> SubjectRequest:
    """Register a request; the answer is due 30 days after receipt. The cases found by the
    person's e-mail or phone are linked to it now."""
    require(actor, A.MANAGE_SUBJECT_REQUESTS)
    at = _now(now)
    errors: dict[str, list[str]] = {}
    if right not in SubjectRight.values:
        errors["right"] = [_("Choose the right asked for.")]
    if not identity_check.strip():
        errors["identity_check"] = [_("Say how the person's identity was checked.")]
    elif len(identity_check) > IDENTITY_LIMIT:
        errors["identity_check"] = [
            _("Keep this under %(limit)s characters.") % {"limit": IDENTITY_LIMIT}
        ]
    if received_at is not None and received_at > at:
        errors["received_at"] = [_("This time is in the future.")]
    try:
        email, phone = _contacts(email, phone)
    except FieldErrors as exc:
        errors |= exc.fields
    if errors:
        raise FieldErrors(errors)
    received = received_at or at
    with transaction.atomic():
        request = SubjectRequest.objects.create(
            right=right, subject_email=email, subject_phone=phone,
            language=Language.ENGLISH if language == Language.ENGLISH else Language.TURKISH,
            identity_check=identity_check.strip(), received_at=received,
            due_at=rules.request_due_at(received), recorded_by=actor, recorded_at=at,
        )
        cases = subject_cases(email=email, phone=phone)
        request.cases.set(cases)
        _audit(actor=actor, action="subject_request.recorded", request=request, data={
            "right": right, "received_at": received.isoformat(), "cases": len(cases),
        })
    return request


def _cases_refresh(request: SubjectRequest) -> None:
    """Link the cases recorded since the request with the person's e-mail or phone."""
    found = subject_cases(email=request.subject_email, phone=request.subject_phone)
    if found:
        request.cases.add(*found)


def _lock(request: SubjectRequest) -> SubjectRequest:
    return SubjectRequest.objects.select_for_update().get(pk=request.pk)


def _open(request: SubjectRequest) -> None:
    if request.status != RequestStatus.OPEN:
        raise Conflict(_("This request is answered already."))


def request_answer(
    *, actor: User, request: SubjectRequest, answer: str, refuse: bool = False,
    now: datetime | None = None,
) -> SubjectRequest:
    """Answer the request with reasons (or refuse it, with the reasons why). The answer
    always ends with the right to complain to the Board (`complaint_right_sentence`)."""
    require(actor, A.MANAGE_SUBJECT_REQUESTS)
    text = answer.strip()
    if not text:
        raise FieldErrors({"answer": [_("Give the reasoned answer.")]})
    if len(text) > ANSWER_LIMIT:
        raise FieldErrors({"answer": [
            _("Keep this under %(limit)s characters.") % {"limit": ANSWER_LIMIT}
        ]})
    with transaction.atomic():
        request = _lock(request)
        _open(request)
        sentence = complaint_right_sentence(request.language)
        if sentence not in text:
            text = f"{text}\n\n{sentence}"
        request.status = RequestStatus.REFUSED if refuse else RequestStatus.ANSWERED
        request.answer, request.answered_at, request.answered_by = text, _now(now), actor
        request.save(update_fields=["status", "answer", "answered_at", "answered_by"])
        _audit(actor=actor, action="subject_request.answered", request=request, data={
            "status": request.status,
            "late": bool(request.answered_at and request.answered_at > request.due_at),
        })
    return request


# --- What is held about the person ---------------------------------------------------------


def _iso(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value is not None else None


def _case_export(case: Feedback) -> dict[str, Any]:
    customer = case.customer
    messages: list[dict[str, Any]] = [
        {"at": _iso(m.created_at), "channel": "portal" if m.visible_to_customer else "note",
         "direction": "out" if m.visible_to_customer else "internal", "body": m.body}
        for m in case.messages.all()
    ]
    messages += [
        {"at": _iso(m.created_at), "channel": m.channel, "direction": "out",
         "recipient": m.recipient, "subject": m.subject, "body": m.text}
        for m in OutboundMessage.objects.filter(
            source_type=MESSAGE_SOURCE, source_id=str(case.pk)).order_by("created_at", "id")
    ]
    messages += [
        {"at": _iso(m.received_at), "channel": "email", "direction": "in",
         "from": m.from_address, "subject": m.subject, "body": m.text}
        for m in case.inbound_messages.order_by("received_at", "id")
    ]
    messages.sort(key=lambda m: m["at"] or "")
    survey = getattr(case, "survey", None)
    return {
        "reference": case.reference,
        "received_at": _iso(case.received_at),
        "type": case.type,
        "status": case.status,
        "channel": case.channel,
        "office": case.office.code,
        "subject": case.subject,
        "description": case.description,
        "remedy_sought": case.remedy_sought,
        "customer": {
            "name": customer.name, "email": customer.email, "phone": customer.phone,
            "address": customer.address, "preferred_contact": customer.preferred_contact,
            "language": customer.language,
        },
        "device": {
            "brand": case.brand_text, "product": case.product, "imei": case.imei,
            "serial": case.device_serial, "repair_order": case.repair_order,
        },
        "attachments": [
            {"filename": a.filename, "content_type": a.content_type, "size": a.size}
            for a in case.attachments.all()
        ],
        "messages": messages,
        "questions": [
            {"at": _iso(q.asked_at), "question": q.question, "answer": q.answer,
             "answered_at": _iso(q.answered_at)} for q in case.questions.all()
        ],
        "answers": [
            {"at": _iso(a.at), "accept": a.accept, "comment": a.comment}
            for a in case.customer_answers.all()
        ],
        "survey": {"score": survey.score, "comment": survey.comment, "at": _iso(survey.at)}
        if survey is not None else None,
        "consents": [
            {"purpose": c.purpose, "granted": c.granted, "at": _iso(c.at)}
            for c in case.consents.all()
        ],
        "disclosures": [
            {"recipient": d.recipient, "purpose": d.purpose, "at": _iso(d.at), "data": d.data}
            for d in case.disclosures.all()
        ],
        "anonymised_at": _iso(case.anonymised_at),
    }


def request_export(*, actor: User, request: SubjectRequest) -> dict[str, Any]:
    """All the organisation holds about the person (api-v1.md: the export's shape): the
    request's cases (with any recorded since under the same e-mail or phone), and nothing
    of anyone else. Audited (the cases' references)."""
    require(actor, A.MANAGE_SUBJECT_REQUESTS)
    with transaction.atomic():
        _cases_refresh(request)
    cases = list(
        request.cases.select_related("customer", "office", "survey")
        .prefetch_related("messages", "attachments", "questions", "customer_answers",
                          "consents", "disclosures")
        .order_by("received_at", "id")
    )
    with transaction.atomic():
        _audit(actor=actor, action="subject_request.exported", request=request,
               data={"cases": [c.reference for c in cases]})
    return {
        "request": request.number,
        "generated_at": _iso(timezone.now()),
        "subject": {"email": request.subject_email, "phone": request.subject_phone},
        "cases": [_case_export(case) for case in cases],
    }


# --- Rectification and erasure -------------------------------------------------------------


def _customer_value(name: str, value: str) -> str:
    value = value.strip()
    if name == "email" and value:
        try:
            validate_email(value)
        except ValidationError as exc:
            raise FieldErrors({"value": [_("Enter a valid e-mail address.")]}) from exc
        return value
    if name == "phone" and value:
        phone = phone_e164(value)
        if not phone:
            raise FieldErrors({"value": [
                _("Enter a valid phone number, e.g. +90 532 123 45 67.")
            ]})
        return phone
    if name == "name" and len(value) > Customer._meta.get_field("name").max_length:  # type: ignore[operator]
        raise FieldErrors({"value": [_("Keep this under %(limit)s characters.") % {"limit": 200}]})
    return value


def request_rectify(
    *, actor: User, request: SubjectRequest, changes: dict[str, str],
    now: datetime | None = None,
) -> list[str]:
    """Correct the customer's data (name, e-mail, phone, postal address) on each of the
    request's cases not anonymised; every recipient of a case's data gets a task to be
    told. Returns the references changed. The audit trail names the fields, not values."""
    require(actor, A.MANAGE_SUBJECT_REQUESTS)
    if not changes:
        raise FieldErrors({"field": [_("Choose what to correct.")]})
    unknown = [name for name in changes if name not in CUSTOMER_FIELDS]
    if unknown:
        raise FieldErrors({"field": [_("Only the customer's name, e-mail, phone and address "
                                       "can be corrected here.")]})
    values = {name: _customer_value(name, value) for name, value in changes.items()}
    at = _now(now)
    changed: list[str] = []
    with transaction.atomic():
        request = _lock(request)
        _open(request)
        for case in request.cases.filter(anonymised_at__isnull=True).order_by("received_at", "id"):
            case = case_lock(case)
            customer = case.customer
            fields = [n for n, v in values.items() if getattr(customer, n) != v]
            if not fields:
                continue
            for name in fields:
                setattr(customer, name, values[name])
            update = list(fields)
            if "name" in fields:
                customer.name_folded = tr_fold(customer.name)
                update.append("name_folded")
            customer.save(update_fields=update)
            case_audit(actor=actor, action="feedback.rectified", feedback=case,
                       data={"fields": sorted(fields), "subject_request": request.pk})
            recipients_notify(feedback=case, reason=RecipientNoticeReason.RECTIFICATION,
                              actor=actor, now=at)
            changed.append(case.reference)
        _audit(actor=actor, action="subject_request.rectified", request=request,
               data={"fields": sorted(values), "cases": changed})
    return changed


def erasure_keep_reason(feedback: Feedback, *, now: datetime | None = None) -> str | None:
    """Why this case must be kept rather than erased, or None when it may be anonymised.

    The one place that decides (the erasure of a request; the destruction job asks too):
    a case still being handled is kept; so is a case an operator's retention hold keeps
    at `now` (`retention.case_kept_by_hold`, K9), and the hold is named.
    """
    if feedback.status != Status.CLOSED:
        return _("The case is still being handled; it can be erased once it is closed.")
    hold = case_kept_by_hold(feedback=feedback, now=_now(now))
    if hold is not None:
        return _("The retention rule “%(name)s” keeps the case.") % {"name": hold.name}
    return None


@dataclass
class Erasure:
    anonymised: list[str] = field(default_factory=list)
    kept: list[dict[str, str]] = field(default_factory=list)


def request_erase(
    *, actor: User, request: SubjectRequest, now: datetime | None = None,
) -> Erasure:
    """Erase the person's data: anonymise each of the request's cases in place, except
    those `erasure_keep_reason` keeps (listed with the reason). Each recipient of an
    anonymised case's data gets a task to be told. Running it again anonymises what was
    kept before and has since become erasable."""
    require(actor, A.MANAGE_SUBJECT_REQUESTS)
    at = _now(now)
    result = Erasure()
    with transaction.atomic():
        request = _lock(request)
        _open(request)
        if request.right not in (SubjectRight.ERASURE, SubjectRight.OBJECTION):
            raise Conflict(_("Only a request for erasure or an objection leads to erasure."))
        _cases_refresh(request)
        for case in request.cases.order_by("received_at", "id"):
            if case.anonymised_at is not None:
                result.anonymised.append(case.reference)
                continue
            reason = erasure_keep_reason(case, now=at)
            if reason is not None:
                result.kept.append({"reference": case.reference, "reason": reason})
                continue
            anonymise_case(case, by=actor, reason=f"erasure request {request.pk}", now=at)
            recipients_notify(feedback=case, reason=RecipientNoticeReason.ERASURE, actor=actor,
                              now=at)
            result.anonymised.append(case.reference)
        request.erased_at = at
        request.save(update_fields=["erased_at"])
        _audit(actor=actor, action="subject_request.erased", request=request, data={
            "anonymised": result.anonymised, "kept": [k["reference"] for k in result.kept],
        })
    return result


def request_get(*, user: User, request_id: int) -> SubjectRequest:
    require(user, A.MANAGE_SUBJECT_REQUESTS)
    request = SubjectRequest.objects.filter(pk=request_id).first()
    if request is None:
        raise NotFound(_("No such request."))
    return request


def requests_list(*, user: User) -> list[SubjectRequest]:
    """Every request, open ones first by their due date, then the answered, latest first."""
    require(user, A.MANAGE_SUBJECT_REQUESTS)
    rows = list(SubjectRequest.objects.prefetch_related("cases"))
    return sorted(rows, key=lambda r: (r.status != RequestStatus.OPEN,
                                       r.due_at if r.status == RequestStatus.OPEN
                                       else -r.received_at.timestamp(), r.pk))


# --- The watch ---------------------------------------------------------------------------


def _alert(request: SubjectRequest, user: User, stage: int, now: datetime) -> None:
    language = language_of(settings.LANGUAGE_CODE)
    rendered = render_message(kind="request_alert", language=language, context={
        "reference": request.number,
        "staff_name": user.display_name,
        "right": request.get_right_display(),
        "received_at": request.received_at,
        "due_at": request.due_at,
        "overdue": now >= request.due_at,
        "request_url": f"{settings.PUBLIC_URL}/desk/privacy/requests/{request.pk}",
    })
    message_queue(
        channel=MessageChannel.EMAIL, kind="request_alert", recipient=user.email,
        language=language, subject=rendered.subject, text=rendered.text, html=rendered.html,
        idempotency_key=f"request_alert:{request.pk}:{stage}:{user.pk}",
        source_type="subject_request", source_id=str(request.pk),
    )


def request_watch(*, now: datetime) -> int:
    """Alert the personal-data contacts of every open request as its answer falls due:
    7 and 2 days before, and on the due date. Each stage once per request (claimed with a
    conditional update, as the breach watch does); returns the alerts queued."""
    sent = 0
    recipients = list(
        User.objects.filter(is_active=True, role=Role.PRIVACY).exclude(email="").order_by("id")
    )
    for request in SubjectRequest.objects.filter(status=RequestStatus.OPEN).order_by("due_at"):
        stage = rules.request_alert_stage(due_at=request.due_at, now=now)
        if stage == 0 or stage <= request.alerted_stage:
            continue
        with transaction.atomic():
            claimed = SubjectRequest.objects.filter(
                pk=request.pk, status=RequestStatus.OPEN, alerted_stage__lt=stage,
            ).update(alerted_stage=stage)
            if not claimed:
                continue
            for user in recipients:
                _alert(request, user, stage, now)
                sent += 1
            _audit(actor="system", action="subject_request.alerted", request=request,
                   data={"stage": stage, "recipients": [u.pk for u in recipients]})
    return sent
