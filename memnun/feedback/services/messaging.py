"""What a customer (and staff) are told about a case, when, and by which channel.

The feedback side of notifications: one helper per message, each rendering its
kind in the customer's language and queueing it in the outbox in the caller's
transaction (`memnun.notifications.outbox.message_queue`). Notifications never
imports feedback; it calls back through a task path (`acknowledgement_delivered`).

The acknowledgement at receipt (ele alındı bilgisi):

* web, email: at once by e-mail (by SMS when only a phone was given);
* phone, front_office: no acknowledgement message: the person recording it gave
  it, and intake stamped it. A written receipt (not the acknowledgement) goes out
  only when the customer chose e-mail or SMS as their contact;
* fax, letter, social_media, dealer, employee: at once through the preferred
  contact (e-mail, SMS, or a letter for those who gave neither); a customer who
  prefers a phone call is called back by staff, who record it by hand.

`Feedback.ack_sent_at` is stamped when the provider accepted the message
(letters: when printed), through `acknowledgement_delivered`, so the on-time flag
is `ack_sent_at <= ack_due_at` on the real time. The tracking code appears only
in this first message, and is masked in the outbox once the message is sent.

The other messages (called by the lifecycle): stage changes (e-mail or SMS only),
the resolution with its accept/reject link, reminders to answer it, the closure
with the survey link, and staff alerts. Customer and staff text is passed to
the templates as values, never compiled as a template.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.http import urlencode

from memnun.accounts.models import User
from memnun.audit.chain import audit_record
from memnun.feedback.codes import (
    AckMethod,
    AlertKind,
    Channel,
    ContactMethod,
    FeedbackType,
    Language,
    ObligationKind,
    Status,
)
from memnun.feedback.errors import Conflict
from memnun.feedback.models import (
    CustomerQuestion,
    Feedback,
    Obligation,
    StageChange,
    Surge,
)
from memnun.feedback.privacy_codes import ConsentPurpose, NoticeGiven
from memnun.feedback.services.acknowledgement import feedback_acknowledge_delivered
from memnun.feedback.services.consents import consent_live
from memnun.feedback.services.disclosures import processor_disclosure_record
from memnun.feedback.tracking_access import tracking_link_url
from memnun.notifications.models import MessageChannel, OutboundMessage
from memnun.notifications.outbox import (
    message_queue,
    message_thread_under,
    reply_address,
    thread_root_id,
)
from memnun.notifications.rendering import language_of, render_letter, render_message
from memnun.notifications.selectors import message_get, messages_for_source
from memnun.organisation.models import OnCall
from memnun.text import tr_lower

SOURCE_TYPE = "feedback"
ACK_CALLBACK = "memnun.feedback.tasks.acknowledgement_delivered"
# Every other message to the customer: its delivery is a disclosure to a processor (K4).
DELIVERY_CALLBACK = "memnun.feedback.tasks.message_delivered"
SYSTEM_ACTOR = "system"

_ACK_METHOD = {
    MessageChannel.EMAIL: AckMethod.EMAIL,
    MessageChannel.SMS: AckMethod.SMS,
    MessageChannel.LETTER: AckMethod.LETTER,
}


def label_in(label: str | Promise, language: str) -> str:
    """A code's label (TextChoices, gettext) in the message's language, not the request's."""
    with translation.override(language):
        return str(label)


def _type_label(feedback: Feedback, language: str) -> str:
    # Said mid-sentence ("your complaint", "şikâyet kaydınızı"): in lower case.
    label = label_in(FeedbackType(feedback.type).label, language)
    return tr_lower(label) if language == Language.TURKISH else label.lower()


def _alert_label(kind: str, language: str) -> str:
    return label_in(AlertKind(kind).label, language) if kind in AlertKind.values else kind


@dataclass(frozen=True)
class Route:
    channel: str
    recipient: str


# --- Which channel -------------------------------------------------------------------


def customer_route(feedback: Feedback, *, letters: bool = True) -> Route | None:
    """The customer's preferred written channel, else e-mail, SMS, then a letter."""
    customer = feedback.customer
    preferred = customer.preferred_contact
    if preferred == ContactMethod.EMAIL and customer.email:
        return Route(MessageChannel.EMAIL, customer.email)
    if preferred == ContactMethod.SMS and customer.phone:
        return Route(MessageChannel.SMS, customer.phone)
    if preferred == ContactMethod.LETTER and letters:
        return Route(MessageChannel.LETTER, customer.name or feedback.reference)
    if customer.email:
        return Route(MessageChannel.EMAIL, customer.email)
    if customer.phone:
        return Route(MessageChannel.SMS, customer.phone)
    if letters:
        return Route(MessageChannel.LETTER, customer.name or feedback.reference)
    return None


def acknowledgement_route(feedback: Feedback) -> tuple[Route | None, bool]:
    """How the acknowledgement goes out, and whether its delivery is the acknowledgement
    (False for the written receipt of one already given in person)."""
    customer = feedback.customer
    if feedback.channel in (Channel.WEB, Channel.EMAIL):
        if customer.email:
            return Route(MessageChannel.EMAIL, customer.email), True
        if customer.phone:
            return Route(MessageChannel.SMS, customer.phone), True
        return None, False
    if feedback.channel in (Channel.PHONE, Channel.FRONT_OFFICE):
        if customer.preferred_contact == ContactMethod.EMAIL and customer.email:
            return Route(MessageChannel.EMAIL, customer.email), False
        if customer.preferred_contact == ContactMethod.SMS and customer.phone:
            return Route(MessageChannel.SMS, customer.phone), False
        return None, False
    if customer.preferred_contact == ContactMethod.PHONE:
        return None, False  # staff call back and record it (POST …/acknowledgement)
    return customer_route(feedback), True


# --- Links and context ---------------------------------------------------------------


def tracking_url(feedback: Feedback) -> str:
    return f"{settings.PUBLIC_URL}/track/{feedback.reference}"


def signed_link(feedback: Feedback, purpose: str) -> str:
    """A link that proves who sent it: the customer need not type their tracking code."""
    return tracking_link_url(feedback=feedback, purpose=purpose)


def resolution_due(feedback: Feedback) -> datetime | None:
    """When the outcome is promised: the case's stored resolution obligation, as the
    deadline rules set it (safety target, pauses); None when the case owes none."""
    return (
        Obligation.objects.filter(feedback=feedback, kind=ObligationKind.RESOLUTION)
        .values_list("due_at", flat=True)
        .first()
    )


def _language(feedback: Feedback) -> str:
    return language_of(feedback.customer.language)


def _context(feedback: Feedback, language: str, **extra: Any) -> dict[str, Any]:
    return {
        "reference": feedback.reference,
        "tracking_url": signed_link(feedback, "track"),
        "customer_name": feedback.customer.name,
        "office_name": feedback.office.name,
        "feedback_subject": feedback.subject,
        "feedback_type": feedback.type,
        "feedback_type_label": _type_label(feedback, language),
        **extra,
    }


def _notice_context(feedback: Feedback, language: str) -> dict[str, str]:
    """The privacy notice in full, for the acknowledgement of a customer who wrote first
    (e-mail, letter, fax): there the notice could not come before their data."""
    notice = feedback.privacy_notice
    if feedback.privacy_notice_given != NoticeGiven.ACKNOWLEDGEMENT or notice is None:
        return {}
    return {
        "privacy_notice_version": notice.version,
        "privacy_notice_text": notice.in_language(language)["text"],
        "privacy_notice_url": f"{settings.PUBLIC_URL}/privacy/",
    }


def _latest_stage(feedback: Feedback, status: str) -> StageChange | None:
    return (
        StageChange.objects.filter(feedback=feedback, status=status).order_by("-at", "-id").first()
    )


def _queued(key: str) -> OutboundMessage | None:
    return OutboundMessage.objects.filter(idempotency_key=key).first()


def _send(
    feedback: Feedback, *, kind: str, route: Route, key: str, context: dict[str, Any],
    language: str, callback: str = "", redact: tuple[str, ...] = (), root: bool = False,
    to_customer: bool = True, new_case: bool = False,
) -> OutboundMessage:
    """Render `kind` for `route` and queue it once per `key`.

    A message to the customer is called back when delivered, to log its carrier as a
    recipient of their data (`message_delivered`), unless `callback` says otherwise.
    """
    if not callback and to_customer:
        callback = DELIVERY_CALLBACK
    # A case created in this transaction has nothing queued yet (the outbox's unique
    # key still guards it): no need to look, here or in message_queue.
    existing = None if new_case else _queued(key)
    if existing is not None:
        return existing
    context = {**context, "delivery_channel": route.channel}
    rendered = render_message(kind=kind, language=language, context=context)
    subject = rendered.subject
    if feedback.reference not in subject:
        subject = f"{subject} [{feedback.reference}]"
    headers: dict[str, str] = {}
    root_id = thread_root_id(feedback.reference)
    if not root:
        headers = {"In-Reply-To": root_id, "References": root_id}
    text, html = rendered.text, rendered.html
    if route.channel == MessageChannel.SMS:
        subject, text, html = "", rendered.sms, ""
    elif route.channel == MessageChannel.LETTER:
        html = render_letter(
            language=language,
            body_text=rendered.text,
            context={
                "office_name": feedback.office.name,
                "office_address": feedback.office.address,
                "recipient_name": route.recipient,
                "recipient_address": feedback.customer.address,
                "reference": feedback.reference,
                "date": timezone.now(),
            },
        )
    return message_queue(
        channel=route.channel,
        kind=kind,
        recipient=route.recipient,
        language=language,
        subject=subject,
        text=text,
        html=html,
        reply_to=reply_address(feedback.reference) if route.channel == "email" else "",
        headers=headers,
        thread_key=feedback.reference,
        message_id=root_id if root and route.channel == MessageChannel.EMAIL else "",
        idempotency_key=key,
        source_type=SOURCE_TYPE,
        source_id=str(feedback.pk),
        callback_task=callback,
        redact=redact,
        fresh=new_case,
    )


# --- The messages --------------------------------------------------------------------


def message_acknowledgement(
    *, feedback: Feedback, tracking_code: str, opened: Sequence[Obligation] | None = None
) -> OutboundMessage | None:
    """The acknowledgement at receipt (see the table above), with the tracking code.

    `opened`: the obligations intake has just opened for this new case, whose resolution
    due is then taken from them rather than read back."""
    route, is_acknowledgement = acknowledgement_route(feedback)
    if route is None:
        return None
    language = _language(feedback)
    context = _context(
        feedback, language,
        tracking_code=tracking_code,
        received_at=feedback.received_at,
        ack_due_at=feedback.ack_due_at,
        resolution_due_at=resolution_due(feedback) if opened is None else next(
            (o.due_at for o in opened if o.kind == ObligationKind.RESOLUTION), None
        ),
        channel=feedback.channel,
        channel_label=label_in(Channel(feedback.channel).label, language),
        **_notice_context(feedback, language),
    )
    stamps = is_acknowledgement and feedback.ack_sent_at is None
    return _send(
        feedback, kind="acknowledgement", route=route, context=context, language=language,
        key=f"feedback:{feedback.pk}:acknowledgement",
        callback=ACK_CALLBACK if stamps else "",
        redact=(tracking_code,), root=True, new_case=opened is not None,
    )


def acknowledgement_reply_to(*, feedback: Feedback, message_id: str) -> bool:
    """Thread the queued acknowledgement under the customer's own e-mail (mailin)."""
    return message_thread_under(
        idempotency_key=f"feedback:{feedback.pk}:acknowledgement", parent_message_id=message_id
    )


def message_stage_changed(feedback: Feedback, status: str) -> OutboundMessage | None:
    """The case entered `status` (a timeline step the customer sees): e-mail or SMS."""
    route = customer_route(feedback, letters=False)
    if route is None:
        return None
    language = _language(feedback)
    stage = _latest_stage(feedback, status)
    changed_at = stage.at if stage is not None else timezone.now()
    context = _context(
        feedback, language, status=status,
        status_label=label_in(Status(status).label, language), changed_at=changed_at,
    )
    return _send(
        feedback, kind="stage_changed", route=route, context=context, language=language,
        key=f"feedback:{feedback.pk}:stage:{status}:"
        + (str(stage.pk) if stage is not None else f"{changed_at.timestamp():.0f}"),
    )


def message_resolution(
    feedback: Feedback, text: str, options: list[str] | tuple[str, ...] = ()
) -> OutboundMessage | None:
    """The decision with its reasons, the customer's options, and the accept/reject link."""
    route = customer_route(feedback)
    if route is None:
        return None
    language = _language(feedback)
    stage = _latest_stage(feedback, Status.RESOLVED)
    context = _context(
        feedback, language, resolution_text=text, options=[str(o) for o in options],
        agreement_url=signed_link(feedback, "agreement"),
    )
    round_ = stage.pk if stage is not None else 0
    return _send(
        feedback, kind="resolution", route=route, context=context, language=language,
        key=f"feedback:{feedback.pk}:resolution:{round_}",
    )


def message_reminder(feedback: Feedback, number: int = 1) -> OutboundMessage | None:
    """A reminder to answer the resolution (number 1, 2, … per resolution)."""
    route = customer_route(feedback)
    if route is None:
        return None
    stage = _latest_stage(feedback, Status.RESOLVED)
    key = f"feedback:{feedback.pk}:reminder:{stage.pk if stage else 0}:{number}"
    if _queued(key) is not None:
        return None
    language = _language(feedback)
    context = _context(
        feedback, language, agreement_url=signed_link(feedback, "agreement"),
        resolved_at=stage.at if stage is not None else None, reminder_number=number,
    )
    return _send(
        feedback, kind="reminder", route=route, context=context, language=language, key=key
    )


def _question_message(
    feedback: Feedback, question: CustomerQuestion, *, kind: str, key: str
) -> OutboundMessage | None:
    route = customer_route(feedback)
    if route is None:
        return None
    language = _language(feedback)
    context = _context(
        feedback, language, question=question.question, asked_at=question.asked_at,
        answer_url=signed_link(feedback, "question"),
    )
    return _send(feedback, kind=kind, route=route, context=context, language=language, key=key)


def message_question(feedback: Feedback, question: CustomerQuestion) -> OutboundMessage | None:
    """A question from the handler: the case waits for the customer's answer."""
    return _question_message(
        feedback, question, kind="question", key=f"feedback:{feedback.pk}:question:{question.pk}"
    )


def message_question_reminder(
    feedback: Feedback, question: CustomerQuestion
) -> OutboundMessage | None:
    """The one reminder of a question still unanswered (services/questions.py decides when)."""
    return _question_message(
        feedback, question, kind="question_reminder",
        key=f"feedback:{feedback.pk}:question:{question.pk}:reminder",
    )


def message_closed(feedback: Feedback) -> OutboundMessage | None:
    """The case is closed: thanks, and the satisfaction survey link.

    The survey goes out only to a customer whose consent to it is live (KVKK, and Law
    6563 on commercial electronic messages, K14): the one place a survey is sent.
    """
    route = customer_route(feedback)
    if route is None:
        return None
    language = _language(feedback)
    stage = _latest_stage(feedback, Status.CLOSED)
    closed_at = stage.at if stage is not None else timezone.now()
    survey = consent_live(feedback=feedback, purpose=ConsentPurpose.SURVEY)
    if survey and feedback.survey_sent_at is None:
        Feedback.objects.filter(pk=feedback.pk, survey_sent_at__isnull=True).update(
            survey_sent_at=closed_at
        )
        feedback.survey_sent_at = closed_at
    context = _context(
        feedback, language, survey_url=signed_link(feedback, "survey") if survey else "",
        closed_at=closed_at,
    )
    return _send(
        feedback, kind="closed", route=route, context=context, language=language,
        key=f"feedback:{feedback.pk}:closed:{stage.pk if stage else 0}",
    )


def message_staff_alert(
    user: User, kind: str, feedback: Feedback, *, due_at: datetime | None = None, key: str = ""
) -> OutboundMessage | None:
    """An e-mail to a member of staff about a case (deadline at risk or missed, a reply…).

    One per user, kind and case a day unless the caller gives its own `key` (an alert id).
    """
    if not user.email or not user.is_active:
        return None
    language = language_of(settings.LANGUAGE_CODE)
    context = _context(
        feedback, language,
        staff_name=user.display_name,
        alert_kind=kind,
        alert_label=_alert_label(kind, language),
        due_at=due_at,
        case_url=f"{settings.PUBLIC_URL}/desk/feedback/{feedback.reference}",
    )
    key = key or f"{timezone.localdate():%Y-%m-%d}"
    return _send(
        feedback, kind="staff_alert", route=Route(MessageChannel.EMAIL, user.email),
        context=context, language=language, to_customer=False,
        key=f"staff:{user.pk}:{kind}:{feedback.pk}:{key}",
    )


def message_surge_alert(user: User, surge: Surge, *, key: str) -> OutboundMessage | None:
    """An e-mail to a quality manager about a surge of complaints (no case: a category ×
    office × week), linking to the week's surges on the desk. Once per user and `key`."""
    if not user.email or not user.is_active:
        return None
    language = language_of(settings.LANGUAGE_CODE)
    category = surge.category
    week_end = surge.week_start + timedelta(days=6)
    query = urlencode({"week": surge.week_start.isoformat(), "office": surge.office.code})
    context = {
        "staff_name": user.display_name,
        "alert_label": _alert_label(AlertKind.SURGE, language),
        "office_name": surge.office.name,
        "category_label": category.name_en if language == Language.ENGLISH else category.name_tr,
        "week_start": surge.week_start,
        "week_end": week_end,
        "count": surge.count,
        "norm": round(surge.norm, 1),
        "threshold": round(surge.threshold, 1),
        "surges_url": f"{settings.PUBLIC_URL}/desk/reports/surges/?{query}",
        "delivery_channel": MessageChannel.EMAIL,
    }
    rendered = render_message(kind="surge_alert", language=language, context=context)
    return message_queue(
        channel=MessageChannel.EMAIL, kind="surge_alert", recipient=user.email,
        language=language, subject=rendered.subject, text=rendered.text, html=rendered.html,
        idempotency_key=f"staff:{user.pk}:surge:{surge.pk}:{key}",
        source_type="surge", source_id=str(surge.pk),
    )


def message_on_call(*, person: OnCall, kind: str, feedback: Feedback) -> list[OutboundMessage]:
    """A safety alert to the office's on-call person, at once and at any hour: by e-mail
    and by SMS (whichever they have), once per person, kind and case."""
    language = language_of(settings.LANGUAGE_CODE)
    context = _context(
        feedback, language,
        staff_name=person.name,
        alert_kind=kind,
        alert_label=_alert_label(kind, language),
        due_at=None,
        case_url=f"{settings.PUBLIC_URL}/desk/feedback/{feedback.reference}",
    )
    routes = [Route(MessageChannel.EMAIL, person.email)] if person.email else []
    routes += [Route(MessageChannel.SMS, person.phone)] if person.phone else []
    return [
        _send(
            feedback, kind="staff_alert", route=route, context=context, language=language,
            key=f"on_call:{person.pk}:{kind}:{feedback.pk}:{route.channel}", to_customer=False,
        )
        for route in routes
    ]


# --- Delivery callbacks and periodic reminders ---------------------------------------


def _acknowledgement_stamp(*, feedback_id: int, method: str, sent_at: datetime) -> bool:
    """Stamp the acknowledgement once (the first delivery counts) and meet its obligation."""
    feedback = Feedback.objects.filter(pk=feedback_id).first()
    if feedback is None:
        return False
    try:
        feedback_acknowledge_delivered(feedback=feedback, method=method, sent_at=sent_at)
    except Conflict:
        return False  # acknowledged already (by hand, or an earlier delivery)
    return True


def _processor_disclosure(message: OutboundMessage, at: datetime) -> bool:
    # The log row needs the case's key and its audit event the reference: not the
    # whole case row, which took most of this callback's CPU to read and build.
    feedback = Feedback.objects.filter(pk=int(message.source_id)).only("id", "reference").first()
    if feedback is None:
        return False
    processor_disclosure_record(
        feedback=feedback, message_id=message.pk, channel=message.channel, at=at
    )
    return True


def message_delivered(*, message_id: int, outcome: str, at: datetime) -> str:
    """Called back (through a task) when a message to the customer was accepted or died:
    once accepted, its carrier (the e-mail or SMS provider) holds the customer's data."""
    message = message_get(message_id=message_id)
    if message is None or message.source_type != SOURCE_TYPE:
        return "unknown message"
    if outcome != "sent":
        return "undeliverable"
    return "disclosed" if _processor_disclosure(message, at) else "unknown case"


def acknowledgement_delivered(*, message_id: int, outcome: str, at: datetime) -> str:
    """Called back (through a task) when an acknowledgement was accepted or died."""
    message = message_get(message_id=message_id)
    if message is None or message.source_type != SOURCE_TYPE:
        return "unknown message"
    if outcome == "sent":
        _processor_disclosure(message, at)
        stamped = _acknowledgement_stamp(
            feedback_id=int(message.source_id),
            method=_ACK_METHOD.get(MessageChannel(message.channel), AckMethod.EMAIL),
            sent_at=at,
        )
        return "stamped" if stamped else "already acknowledged"
    feedback = Feedback.objects.filter(pk=int(message.source_id)).first()
    if feedback is not None:
        with transaction.atomic():
            audit_record(
                actor=SYSTEM_ACTOR,
                action="feedback.acknowledgement_undeliverable",
                object_type="feedback",
                object_id=feedback.reference,
                data={"message": message.pk, "channel": message.channel,
                      "error": message.last_error[:500]},
            )
    return "undeliverable"


def reminders_send(*, now: datetime | None = None) -> int:
    """Remind customers who have not answered a resolution: every N days, at most M times."""
    now = now or timezone.now()
    every = timedelta(days=settings.MEMNUN_RESOLUTION_REMINDER_DAYS)
    limit = settings.MEMNUN_RESOLUTION_REMINDERS
    queued = 0
    if limit <= 0:
        return 0
    waiting = Feedback.objects.filter(status=Status.RESOLVED).select_related("customer", "office")
    for feedback in waiting.iterator(chunk_size=200):
        stage = _latest_stage(feedback, Status.RESOLVED)
        if stage is None:
            continue
        number = min(int((now - stage.at) / every), limit)
        if number < 1:
            continue
        with transaction.atomic():
            if message_reminder(feedback, number) is not None:
                queued += 1
    return queued


def feedback_outbound_messages(*, feedback: Feedback) -> QuerySet[OutboundMessage]:
    """Every message queued for a case, with its delivery status (staff reads)."""
    return messages_for_source(source_type=SOURCE_TYPE, source_id=str(feedback.pk))
