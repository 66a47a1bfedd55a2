"""Feedback as the API shows it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from memnun.accounts.models import User
from memnun.feedback.masking import mask_email, mask_name, mask_tail
from memnun.feedback.models import Feedback
from memnun.feedback.permissions import sees_personal_data
from memnun.feedback.selectors.expectation import feedback_expectation
from memnun.feedback.selectors.resolution import resolution_awaiting_answer
from memnun.feedback.selectors.tracking import messages_for_customer


def local(at: datetime | None) -> datetime | None:
    """Times go out in Europe/Istanbul, with their offset."""
    return timezone.localtime(at) if at is not None else None


def _acknowledgement(feedback: Feedback) -> dict[str, Any]:
    return {
        "due_at": local(feedback.ack_due_at),
        "sent_at": local(feedback.ack_sent_at),
        "on_time": feedback.ack_on_time,
    }


def _expected(feedback: Feedback) -> dict[str, Any]:
    expectation = feedback_expectation(feedback=feedback)
    return {
        "taken_in_at": local(expectation.taken_in_at),
        "answer_by": local(expectation.answer_by),
    }


def tracking_url(feedback: Feedback) -> str:
    return f"{settings.PUBLIC_URL}/track/{feedback.reference}"


def feedback_created_body(feedback: Feedback, tracking_code: str) -> dict[str, Any]:
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
        "expected": _expected(feedback),
    }


def _stages(feedback: Feedback) -> list[dict[str, Any]]:
    return [{"status": s.status, "at": local(s.at)} for s in feedback.stages.all()]


def tracking_body(feedback: Feedback) -> dict[str, Any]:
    return {
        "reference": feedback.reference,
        "type": feedback.type,
        "status": feedback.status,
        "stages": _stages(feedback),
        "messages": [
            {"at": local(m.created_at), "body": m.body} for m in messages_for_customer(feedback)
        ],
        "awaiting_agreement": resolution_awaiting_answer(feedback) is not None,
        "expected": _expected(feedback),
        "brand": feedback.brand.name if feedback.brand else (feedback.brand_text or None),
    }


def feedback_staff_body(feedback: Feedback, *, viewer: User) -> dict[str, Any]:
    customer = feedback.customer
    reveal = sees_personal_data(viewer)
    return {
        "reference": feedback.reference,
        "type": feedback.type,
        "channel": feedback.channel,
        "status": feedback.status,
        "office": feedback.office.code,
        "subject": feedback.subject,
        "description": feedback.description,
        "remedy_sought": feedback.remedy_sought,
        "brand": feedback.brand.code if feedback.brand else None,
        "brand_text": feedback.brand_text,
        "product": feedback.product,
        "device_serial": feedback.device_serial,
        "imei": feedback.imei if reveal else mask_tail(feedback.imei, 4),
        "repair_order": feedback.repair_order,
        "customer": {
            "name": customer.name if reveal else mask_name(customer.name),
            "email": customer.email if reveal else mask_email(customer.email),
            "phone": customer.phone if reveal else mask_tail(customer.phone),
            # Masked word by word until the personal-data policy decides its own form.
            "address": customer.address if reveal else mask_name(customer.address),
            "preferred_contact": customer.preferred_contact,
            "language": customer.language,
            "masked": not reveal,
        },
        "received_at": local(feedback.received_at),
        "recorded_at": local(feedback.recorded_at),
        "recorded_by": feedback.recorded_by.username if feedback.recorded_by else None,
        "consent": {
            "privacy_notice_version": feedback.privacy_notice_version,
            "third_party_sharing": feedback.consent_third_party_sharing,
        },
        "acknowledgement": _acknowledgement(feedback),
        "stages": _stages(feedback),
        "attachments": [
            {"id": a.pk, "filename": a.filename, "content_type": a.content_type, "size": a.size}
            for a in feedback.attachments.all()
        ],
    }
