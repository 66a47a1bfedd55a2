"""Request and response shapes of API v1 (api-v1.md is the contract)."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Literal

from django.utils.translation import gettext as _
from pydantic import BaseModel, Field, StrictBool

from memnun.feedback.errors import FieldErrors

FeedbackTypeCode = Literal["complaint", "suggestion", "compliment", "request"]
ChannelCode = Literal[
    "web", "email", "phone", "front_office", "fax", "letter", "social_media", "dealer", "employee"
]
StatusCode = Literal["created", "in_progress", "under_review", "resolved", "closed"]


class TokenIn(BaseModel):
    username: str = Field(max_length=150)
    password: str = Field(max_length=1000)
    otp: str | None = Field(default=None, max_length=12)


class TokenOut(BaseModel):
    token: str
    expires_at: datetime


class CustomerIn(BaseModel):
    name: str = Field(default="", max_length=200)
    email: str = Field(default="", max_length=254)
    phone: str = Field(default="", max_length=40)
    preferred_contact: Literal["email", "phone", "sms", "letter", ""] = ""
    language: Literal["tr", "en"] = "tr"
    address: str = Field(
        default="", max_length=1000, description="Postal address, for replies by letter."
    )


class ConsentIn(BaseModel):
    privacy_notice: StrictBool
    third_party_sharing: StrictBool = False
    survey: StrictBool = Field(
        default=False, description="Explicit consent to a satisfaction survey by SMS or e-mail."
    )


class AttachmentIn(BaseModel):
    filename: str = Field(max_length=255)
    content_type: str = Field(max_length=100)
    content_base64: str = Field(description="The file's bytes, base64-encoded.")

    def content(self, *, field: str = "content_base64") -> bytes:
        """The decoded bytes; a clear 422 on `field` when they are not base64."""
        try:
            return base64.b64decode(self.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise FieldErrors({field: [_("This is not valid base64.")]}) from None


class FeedbackIn(BaseModel):
    type: FeedbackTypeCode
    channel: ChannelCode
    office: str | None = Field(default=None, max_length=32)
    subject: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1, max_length=20000)
    remedy_sought: str = Field(default="", max_length=5000)
    brand: str | None = Field(
        default=None, max_length=100,
        description="As the customer wrote it: linked when it names a known brand, kept"
        " as written otherwise (never refused).",
    )
    product: str | None = Field(default=None, max_length=200)
    device_serial: str | None = Field(default=None, max_length=64)
    imei: str | None = Field(default=None, max_length=20)
    repair_order: str | None = Field(default=None, max_length=64)
    customer: CustomerIn
    consent: ConsentIn
    received_at: datetime | None = Field(
        default=None, description="Staff only: when it reached us. Never in the future."
    )
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=5)


class AcknowledgementOut(BaseModel):
    due_at: datetime | None
    sent_at: datetime | None
    on_time: bool | None


class ExpectedOut(BaseModel):
    """When the office takes the case in (the next opening after receipt) and answers by."""

    taken_in_at: datetime
    answer_by: datetime | None


class FeedbackCreatedOut(BaseModel):
    reference: str
    tracking_code: str
    status: StatusCode
    type: FeedbackTypeCode
    channel: ChannelCode
    office: str
    received_at: datetime
    acknowledgement: AcknowledgementOut
    tracking_url: str
    expected: ExpectedOut | None = None


class StageOut(BaseModel):
    status: StatusCode
    at: datetime


class MessageOut(BaseModel):
    at: datetime
    body: str


class TrackOut(BaseModel):
    reference: str
    type: FeedbackTypeCode
    status: StatusCode
    stages: list[StageOut]
    messages: list[MessageOut]
    awaiting_agreement: bool
    waiting_for_customer: bool = Field(
        description="A question to the customer is open; the resolution clocks are paused."
    )
    question: str | None = Field(description="The open question, or null.")
    expected: ExpectedOut | None = None
    brand: str | None = Field(
        default=None, description="The brand's name, or the customer's words for it."
    )


class CustomerOut(BaseModel):
    name: str
    email: str
    phone: str
    preferred_contact: str
    language: str
    address: str
    masked: bool


class AttachmentOut(BaseModel):
    id: int
    filename: str
    content_type: str
    size: int


class FeedbackOut(BaseModel):
    reference: str
    type: FeedbackTypeCode
    channel: ChannelCode
    status: StatusCode
    office: str
    subject: str
    description: str
    remedy_sought: str
    brand: str | None = Field(description="The linked brand's code; null when unlinked.")
    brand_text: str = Field(description="The brand as the customer wrote it.")
    product: str
    device_serial: str
    imei: str
    repair_order: str
    customer: CustomerOut
    received_at: datetime
    recorded_at: datetime
    recorded_by: str | None
    consent: dict[str, bool | str]
    acknowledgement: AcknowledgementOut
    stages: list[StageOut]
    attachments: list[AttachmentOut]
