"""Cases in every stage of the lifecycle, made through the real services (fast, no HTTP)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

from django.test import Client
from django.utils import timezone

from memnun.accounts.models import User
from memnun.feedback.codes import Closure, Status
from memnun.feedback.models import Feedback
from memnun.feedback.services.assessment import AssessmentInput
from memnun.feedback.services.assignment import HANDLING_ROLES
from memnun.feedback.services.customer_answers import customer_answer_record
from memnun.feedback.services.intake import CustomerInput, IntakeInput, feedback_record
from memnun.feedback.services.lifecycle import (
    feedback_approve,
    feedback_close,
    feedback_propose,
    feedback_start,
)
from memnun.governance.models import TrainingRecord
from tests.conftest import PASSWORD

ASSESSMENT = AssessmentInput(severity="medium", safety_hazard=False, category="repair-delay")
CUSTOMER = CustomerInput(
    name="Işıl Öztürk", email="isil@example.com", phone="+905321234567", preferred_contact="email"
)


def user(username: str) -> User:
    return User.objects.get(username=username)


def staff(
    username: str, role: str, office: str | None = "istanbul", *, trained: bool | None = None,
    **extra: Any,
) -> User:
    """Another member of staff besides the demo users (the demo password).

    Those who may hold cases get a complaints-handling training record, as the demo's
    do (MEMNUN_REQUIRE_TRAINING); `trained=False` leaves it out, `True` gives it anyway.
    """
    from memnun.organisation.models import Office

    member = User(
        username=username, role=role,
        office=Office.objects.get(code=office) if office else None, **extra,
    )
    member.set_password(PASSWORD)
    member.save()
    if trained if trained is not None else role in HANDLING_ROLES:
        train(member)
    return member


def train(
    member: User, *, completed_on: date = date(2020, 1, 6), expires_on: date | None = None,
    course: str = "ISO 10002 şikâyet yönetimi",
) -> TrainingRecord:
    """A complaints-handling training record for the member of staff."""
    return TrainingRecord.objects.create(
        user=member, course=course, completed_on=completed_on, expires_on=expires_on,
        recorded_at=timezone.now(),
    )


class Case:
    """A new case and its tracking code; the stage helpers move it on."""

    def __init__(self, *, type: str = "complaint", office: str = "istanbul",
                 customer: CustomerInput = CUSTOMER, subject: str = "Ekran değişimi gecikti",
                 imei: str = "", survey: bool = False) -> None:
        result = feedback_record(
            actor=user("agent") if office == "istanbul" else user("quality"),
            data=IntakeInput(
                type=type, channel="phone", office=office, subject=subject,
                description="Telefonum üç haftadır serviste.", customer=customer,
                privacy_notice=True, imei=imei, survey=survey,
            ),
        )
        self.feedback = result.feedback
        self.code = result.tracking_code

    @classmethod
    def of(cls, feedback: Feedback, code: str = "") -> Case:
        """Work on feedback that came in another way (the portal, the API)."""
        case = cls.__new__(cls)
        case.feedback, case.code = feedback, code
        return case

    @property
    def reference(self) -> str:
        return self.feedback.reference

    def fresh(self) -> Feedback:
        self.feedback.refresh_from_db()
        return self.feedback

    def start(
        self, *, by: str = "reviewer", assignee: str = "handler",
        category: str | None = ASSESSMENT.category,
    ) -> Case:
        """Work starts; `category=None` leaves the complaint unclassified (it cannot be
        proposed until the assessment is revised)."""
        assessment = replace(ASSESSMENT, category=category)
        feedback_start(
            actor=user(by), feedback=self.feedback, assessment=assessment, assignee=assignee
        )
        return self

    def propose(self, *, by: str = "handler") -> Case:
        feedback_propose(
            actor=user(by), feedback=self.fresh(), root_cause="Parça tedarikçiden geç geldi.",
            root_cause_category="part-supply", corrective_action="İkinci tedarikçi eklendi.",
            resolution="Ekranınız yarın değiştirilecek; gecikme için özür dileriz.",
        )
        return self

    def approve(self, *, by: str = "reviewer") -> Case:
        feedback_approve(actor=user(by), feedback=self.fresh())
        return self

    def answer(self, *, accept: bool) -> Case:
        customer_answer_record(feedback=self.fresh(), accept=accept, comment="")
        return self

    def close(self, *, by: str = "handler") -> Case:
        closure = Closure.CUSTOMER_AGREED if self.feedback.type == "complaint" else (
            Closure.RESPONSE_SENT
        )
        feedback_close(actor=user(by), feedback=self.fresh(), closure=closure)
        return self


def case_in(status: str, **kwargs: Any) -> Case:
    """A complaint in the given stage: started by the reviewer for the handler,
    proposed by the handler, approved by the reviewer, agreed and closed."""
    case = Case(**kwargs)
    steps: list[Callable[[], Case]] = [case.start, case.propose, case.approve]
    order = [Status.CREATED, Status.IN_PROGRESS, Status.UNDER_REVIEW, Status.RESOLVED]
    if status == Status.CLOSED:
        for step in steps:
            step()
        case.answer(accept=True).close()
        return case
    for step in steps[: order.index(Status(status))]:
        step()
    case.fresh()
    return case


class StaffApi:
    """The API as one member of staff or another, with their tokens cached for the test."""

    def __init__(self, client: Client, headers: Callable[[str], dict[str, str]]) -> None:
        self.client = client
        self._headers = headers
        self._cache: dict[str, dict[str, str]] = {}

    def headers(self, username: str) -> dict[str, str]:
        if username not in self._cache:
            # Reasons are asserted in the source language, whatever the catalogues hold.
            self._cache[username] = {**self._headers(username), "Accept-Language": "en"}
        return self._cache[username]

    def post(self, username: str, path: str, body: dict[str, Any]) -> Any:
        return self.client.post(
            f"/api/v1{path}", body, content_type="application/json",
            headers=self.headers(username),
        )

    def get(self, username: str, path: str) -> Any:
        return self.client.get(f"/api/v1{path}", headers=self.headers(username))

    def transition(self, username: str, reference: str, **body: Any) -> Any:
        return self.post(username, f"/feedback/{reference}/transition", body)
