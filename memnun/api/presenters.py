"""Feedback as the API shows it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from memnun.accounts.models import User
from memnun.feedback.models import Feedback, Obligation
from memnun.feedback.personal_fields import (
    CASE_TEXT_FIELDS,
    CUSTOMER_FIELDS,
    IDENTIFYING_FIELDS,
    case_text_values,
    identifying_values,
)
from memnun.feedback.selectors.expectation import feedback_expectation
from memnun.feedback.selectors.questions import question_open
from memnun.feedback.selectors.resolution import resolution_awaiting_answer
from memnun.feedback.selectors.tracking import messages_for_customer
from memnun.feedback.services.consents import consents_state
from memnun.personaldata.fields import PersonalField
from memnun.personaldata.policy import Interface, Shown, project, shown


def local(at: datetime | None) -> datetime | None:
    """Times go out in Europe/Istanbul, with their offset."""
    return timezone.localtime(at) if at is not None else None


def _acknowledgement(feedback: Feedback) -> dict[str, Any]:
    return {
        "due_at": local(feedback.ack_due_at),
        "sent_at": local(feedback.ack_sent_at),
        "on_time": feedback.ack_on_time,
    }


def _expected(
    feedback: Feedback, obligations: Iterable[Obligation] | None = None
) -> dict[str, Any]:
    expectation = feedback_expectation(feedback=feedback, obligations=obligations)
    return {
        "taken_in_at": local(expectation.taken_in_at),
        "answer_by": local(expectation.answer_by),
    }


def tracking_url(feedback: Feedback) -> str:
    return f"{settings.PUBLIC_URL}/track/{feedback.reference}"


def feedback_created_body(
    feedback: Feedback, tracking_code: str, *, obligations: Iterable[Obligation] | None = None
) -> dict[str, Any]:
    """The 201 answer; `obligations`: those the intake just opened (spares a read)."""
    return {
        "reference": feedback.reference,
        "tracking_code": tracking_code,
        "status": feedback.status,
        "type": feedback.type,
        "channel": feedback.channel,
        "office": feedback.office.code,
        "received_at": local(feedback.received_at),
        "acknowledgement": _acknowledgement(feedback),
        "tracking_url": tracking_url(feedback),
        "expected": _expected(feedback, obligations),
    }


def _stages(feedback: Feedback) -> list[dict[str, Any]]:
    return [{"status": s.status, "at": local(s.at)} for s in feedback.stages.all()]


def tracking_body(feedback: Feedback) -> dict[str, Any]:
    question = question_open(feedback=feedback)
    return {
        "reference": feedback.reference,
        "type": feedback.type,
        "status": feedback.status,
        "stages": _stages(feedback),
        "messages": [
            {"at": local(m.created_at), "body": m.body} for m in messages_for_customer(feedback)
        ],
        "awaiting_agreement": resolution_awaiting_answer(feedback) is not None,
        "waiting_for_customer": question is not None,
        "question": question.question if question is not None else None,
        "expected": _expected(feedback),
        "brand": feedback.brand.name if feedback.brand else (feedback.brand_text or None),
    }


def feedback_staff_body(feedback: Feedback, *, viewer: User) -> dict[str, Any]:
    """The case for staff, its personal data as the policy shows it to the viewer's role."""
    customer = feedback.customer
    personal = project(
        values=identifying_values(feedback) | case_text_values(feedback),
        fields=IDENTIFYING_FIELDS | CASE_TEXT_FIELDS, role=viewer.role, interface=Interface.API,
    )
    return {
        "reference": feedback.reference,
        "type": feedback.type,
        "channel": feedback.channel,
        "status": feedback.status,
        "office": feedback.office.code,
        "subject": personal["subject"],
        "description": personal["description"],
        "remedy_sought": personal["remedy_sought"],
        "brand": feedback.brand.code if feedback.brand else None,
        "brand_text": feedback.brand_text,
        "product": feedback.product,
        "device_serial": personal["device_serial"],
        "imei": personal["imei"],
        "repair_order": personal["repair_order"],
        "customer": {
            **{name: personal[name] for name in CUSTOMER_FIELDS},
            "preferred_contact": customer.preferred_contact,
            "language": customer.language,
            "masked": shown(field=PersonalField.NAME, role=viewer.role, interface=Interface.API)
            is not Shown.WHOLE,
        },
        "received_at": local(feedback.received_at),
        "recorded_at": local(feedback.recorded_at),
        "recorded_by": feedback.recorded_by.username if feedback.recorded_by else None,
        "consent": {
            "privacy_notice_version": feedback.privacy_notice_version,
            "privacy_notice_given": feedback.privacy_notice_given,
            **consents_state(feedback=feedback),
        },
        "acknowledgement": _acknowledgement(feedback),
        "stages": _stages(feedback),
        "attachments": [
            {"id": a.pk, "filename": a.filename, "content_type": a.content_type, "size": a.size}
            for a in feedback.attachments.all()
        ],
    }
