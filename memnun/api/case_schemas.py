"""Request and response shapes of case work (additive to api-v1.md's contract)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field, StrictBool, StrictInt

from memnun.api.schemas import FeedbackOut, StatusCode

SeverityCode = Literal["low", "medium", "high", "critical"]
ClosureCode = Literal["customer_agreed", "options_exhausted", "response_sent"]
StaffAnswerChannel = Literal["email", "phone", "in_person", "letter"]
_TEXT = 10_000


class AssessmentIn(BaseModel):
    severity: SeverityCode
    safety_hazard: StrictBool
    category: str | None = Field(default=None, max_length=32)
    immediate_action: StrictBool = False


class TransitionIn(BaseModel):
    to: StatusCode
    note: str | None = Field(default=None, max_length=_TEXT)
    assignee: str | None = Field(
        default=None, max_length=150, description="Username; to `in_progress` from `created`."
    )
    auto_assign: StrictBool = Field(
        default=False,
        description="Without `assignee`: the office's round robin picks a handler on duty.",
    )
    assessment: AssessmentIn | None = None
    root_cause: str | None = Field(default=None, max_length=_TEXT)
    root_cause_category: str | None = Field(default=None, max_length=32)
    corrective_action: str | None = Field(default=None, max_length=_TEXT)
    resolution: str | None = Field(default=None, max_length=_TEXT)
    response_type: str | None = Field(
        default=None, max_length=16,
        description="To `under_review`, optional: what the resolution offers (R7.7);"
        " `no_action` needs `response_justification`.",
    )
    response_justification: str | None = Field(default=None, max_length=_TEXT)
    send_back_reason: str | None = Field(
        default=None, max_length=_TEXT,
        description="To `in_progress` from `under_review`: why the reviewer sends it back.",
    )
    closure: ClosureCode | None = None
    external_recourse: str | None = Field(default=None, max_length=_TEXT)


class AssignIn(BaseModel):
    assignee: str | None = Field(default=None, max_length=150)
    automatic: StrictBool = False


class InvolvedIn(BaseModel):
    username: str = Field(min_length=1, max_length=150)
    role_in_subject: str = Field(min_length=1, max_length=200)


class TextIn(BaseModel):
    body: str = Field(min_length=1, max_length=_TEXT)


class RevealIn(BaseModel):
    reason: str = Field(min_length=1, max_length=500)


class StaffAnswerIn(BaseModel):
    accept: StrictBool
    comment: str = Field(default="", max_length=5000)
    channel: StaffAnswerChannel


class QuestionIn(BaseModel):
    question: str = Field(min_length=1, max_length=5000)


class StaffQuestionAnswerIn(BaseModel):
    answer: str = Field(min_length=1, max_length=5000)
    channel: StaffAnswerChannel


class QuestionAnswerIn(BaseModel):
    code: str = Field(max_length=40)
    answer: str = Field(min_length=1, max_length=5000)


class AgreementIn(BaseModel):
    code: str = Field(max_length=40)
    accept: StrictBool
    comment: str = Field(default="", max_length=5000)


class SurveyIn(BaseModel):
    code: str = Field(max_length=40)
    score: StrictInt = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=5000)


class CompensationIn(BaseModel):
    kind: Literal["refund", "replacement", "free_repair", "voucher"]
    amount: Decimal = Field(ge=0, max_digits=12, decimal_places=2, description="Turkish lira.")
    legal_basis: str = Field(min_length=1, max_length=_TEXT)


class CompensationDecisionIn(BaseModel):
    approve: StrictBool
    reason: str = Field(default="", max_length=_TEXT)


class MergeIn(BaseModel):
    into: str = Field(
        min_length=1, max_length=40, description="Reference of the case that carries on."
    )
    note: str = Field(default="", max_length=_TEXT)


class LinkIn(BaseModel):
    to: str = Field(min_length=1, max_length=40)


class FollowUpIn(BaseModel):
    channel: Literal[
        "web", "email", "phone", "front_office", "fax", "letter", "social_media", "dealer",
        "employee",
    ]
    description: str = Field(min_length=1, max_length=20000)


class AssessmentOut(BaseModel):
    severity: str
    safety_hazard: bool
    immediate_action: bool
    category: str | None
    assessed_at: datetime | None


class InvolvedOut(BaseModel):
    username: str
    role_in_subject: str
    recorded_at: datetime


class ProposalOut(BaseModel):
    id: int
    proposed_by: str
    created_at: datetime
    root_cause: str
    root_cause_category: str | None
    corrective_action: str
    resolution: str
    decision: str
    decided_by: str | None
    decided_at: datetime | None
    reason: str


class CaseMessageOut(BaseModel):
    id: int
    at: datetime
    author: str | None
    body: str
    visible_to_customer: bool


class CustomerAnswerOut(BaseModel):
    accept: bool
    comment: str
    channel: str
    recorded_by: str | None
    at: datetime


class QuestionOut(BaseModel):
    id: int
    question: str
    asked_by: str
    asked_at: datetime
    answer: str
    answered_at: datetime | None
    answer_channel: str | None
    recorded_by: str | None
    withdrawn_at: datetime | None


class CompensationOut(BaseModel):
    id: int
    kind: str
    amount: Decimal
    currency: Literal["TRY"] = "TRY"
    legal_basis: str
    status: str
    proposed_by: str
    proposed_at: datetime
    approved_by: str | None
    rejected_by: str | None
    decided_at: datetime | None


class LinkOut(BaseModel):
    reference: str
    kind: str
    direction: Literal["out", "in"]


class RepeatOut(BaseModel):
    """Other feedback of the repeat window sharing an identifier (never the value itself)."""

    reference: str
    received_at: datetime
    match: Literal["imei", "phone", "email", "repair_order"]


class SurveyOut(BaseModel):
    score: int
    at: datetime


class CaseOut(FeedbackOut):
    """The whole case for staff: `FeedbackOut` and its case work."""

    assignee: str | None
    assessment: AssessmentOut | None
    escalation_level: int
    closure: str | None
    closed_at: datetime | None
    awaiting_agreement: bool
    involved: list[InvolvedOut]
    proposals: list[ProposalOut]
    messages: list[CaseMessageOut]
    customer_answers: list[CustomerAnswerOut]
    waiting_for_customer: bool
    questions: list[QuestionOut]
    compensations: list[CompensationOut]
    links: list[LinkOut]
    repeats: list[RepeatOut] = Field(
        description="Other feedback received within the repeat window (MEMNUN_REPEAT_WINDOW_DAYS)"
        " of this one sharing its IMEI, phone, e-mail or repair order, newest first."
    )
    survey: SurveyOut | None
    allowed_actions: list[str] = Field(
        description="What your role may do with this case; the lifecycle decides whether now."
    )


class RevealOut(BaseModel):
    """The customer's personal data, whole (the case shows it masked)."""

    reference: str
    name: str
    email: str
    phone: str
    preferred_contact: str
    language: str
    imei: str
    device_serial: str
    repair_order: str
    address: str
