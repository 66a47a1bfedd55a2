"""Waiting for the customer: a question pauses the clocks, the answer moves the deadlines on.

Asked through the API or the desk, seen on tracking and in a message, answered on the
portal, through the API, by an e-mail reply or recorded by staff; one reminder after the
configured business days; configuration that names no real status refused at start-up.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from io import BytesIO, StringIO
from typing import Any
from unittest import mock

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.test import Client, override_settings

from memnun.audit.chain import audit_verify
from memnun.audit.models import AuditEvent
from memnun.feedback.errors import Conflict
from memnun.feedback.models import CustomerQuestion, Feedback, Obligation
from memnun.feedback.services.lifecycle import feedback_start
from memnun.feedback.services.questions import (
    question_answer,
    question_ask,
    question_reminders_send,
)
from memnun.feedback.tracking_access import tracking_link_token
from memnun.notifications.models import OutboundMessage
from memnun.servicelevels.clock import business_days_later, business_time_between
from memnun.servicelevels.store import calendar_get
from tests.casework import ASSESSMENT, Case, case_in, staff, user
from tests.desk.helpers import all_groups_opened, forms_on, signed_in
from tests.feedback.cases import at, record
from tests.mailin.conftest import build_mail

pytestmark = pytest.mark.django_db

QUESTION = "Cihazı servise hangi tarihte teslim ettiniz?"


def obligation(feedback: Feedback, kind: str) -> Obligation:
    return Obligation.objects.get(feedback=feedback, kind=kind)


def track(api: Client, case: Case) -> dict[str, Any]:
    response = api.get(f"/api/v1/track/{case.reference}", {"code": case.code})
    assert response.status_code == 200, response.content
    return dict(response.json())


def ask(api: Client, headers: dict[str, str], case: Case, text: str = QUESTION) -> Any:
    return api.post(
        f"/api/v1/feedback/{case.reference}/questions", {"question": text},
        content_type="application/json", headers=headers,
    )


def answer(api: Client, case: Case, text: str, code: str | None = None) -> Any:
    return api.post(
        f"/api/v1/track/{case.reference}/answer",
        {"code": case.code if code is None else code, "answer": text},
        content_type="application/json",
    )


def fax_case_in_progress() -> Feedback:
    """A fax on Friday evening, worked from Monday: resolution due Friday week 18:00."""
    feedback = record(channel="fax", received_at=at("2026-11-20 20:00"))
    feedback_start(actor=user("reviewer"), feedback=feedback, assessment=ASSESSMENT,
                   assignee="handler")
    feedback.refresh_from_db()
    return feedback


# --- The clocks, on the stored deadlines --------------------------------------------


def test_a_day_of_waiting_moves_the_resolution_by_nine_business_hours(demo: None) -> None:
    feedback = fax_case_in_progress()
    assert obligation(feedback, "resolution").due_at == at("2026-12-04 18:00")
    question_ask(actor=user("handler"), feedback=feedback, question=QUESTION,
                 now=at("2026-11-23 10:00"))  # Monday
    paused = obligation(feedback, "resolution")
    assert paused.paused_since == at("2026-11-23 10:00")
    # Waiting: the resolution leaves the queue order; the acknowledgement never pauses.
    assert obligation(feedback, "acknowledgement").paused_since is None
    assert Feedback.objects.get(pk=feedback.pk).next_due_kind == "acknowledgement"

    question_answer(feedback=feedback, answer="3 Kasım'da teslim ettim.",
                    now=at("2026-11-24 10:00"))  # Tuesday
    resumed = obligation(feedback, "resolution")
    assert resumed.paused_since is None and resumed.paused_seconds == 9 * 3600
    assert resumed.due_at == at("2026-12-07 18:00")  # nine business hours on: Monday's close
    resumed_event = AuditEvent.objects.filter(
        object_id=feedback.reference, action="feedback.clocks_resumed"
    ).get()
    assert resumed_event.actor == "customer"
    assert audit_verify().ok


def test_waiting_over_a_weekend_costs_only_its_business_hours(demo: None) -> None:
    feedback = fax_case_in_progress()
    question_ask(actor=user("handler"), feedback=feedback, question=QUESTION,
                 now=at("2026-11-27 17:00"))  # Friday, an hour before closing
    question_answer(feedback=feedback, answer="Pazartesi yanıtlıyorum.",
                    now=at("2026-11-30 10:00"), channel="phone", recorded_by=user("handler"))
    resolution = obligation(feedback, "resolution")
    assert resolution.paused_seconds == 2 * 3600
    assert resolution.due_at == at("2026-12-07 11:00")
    row = CustomerQuestion.objects.get(feedback=feedback)
    assert (row.answer_channel, row.recorded_by) == ("phone", user("handler"))


# --- The journey through the API and the portal -------------------------------------


def test_asking_pauses_tells_the_customer_and_the_portal_answer_restarts_the_clocks(
    demo: None, api: Client, staff_headers: Callable[[str], dict[str, str]]
) -> None:
    case = case_in("in_progress")
    before = track(api, case)
    assert (before["waiting_for_customer"], before["question"]) == (False, None)

    response = ask(api, staff_headers("handler"), case)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "in_progress" and body["waiting_for_customer"] is True
    assert [q["question"] for q in body["questions"]] == [QUESTION]
    tracked = track(api, case)
    assert (tracked["status"], tracked["waiting_for_customer"], tracked["question"]) == (
        "in_progress", True, QUESTION
    )
    paused = obligation(case.feedback, "resolution")
    assert paused.paused_since is not None
    # The customer is told, in their language, with a link that opens the question.
    message = OutboundMessage.objects.get(kind="question")
    assert message.recipient == "isil@example.com" and QUESTION in message.text
    assert f"/track/{case.reference}/question?t=" in message.text

    customer = Client()
    landing = customer.get(
        f"/track/{case.reference}/question",
        {"t": tracking_link_token(feedback=case.feedback, purpose="question")},
    )
    assert landing.status_code == 302 and landing["Location"].endswith("#question")
    page = customer.get(f"/track/{case.reference}").content.decode()
    assert 'id="question"' in page and QUESTION in page
    done = customer.post(
        f"/track/{case.reference}/question", {"answer": "3 Kasım'da teslim ettim."}, follow=True
    )
    assert done.status_code == 200 and 'id="question"' not in done.content.decode()

    row = CustomerQuestion.objects.get(feedback=case.feedback)
    assert (row.answer, row.answer_channel, row.recorded_by) == (
        "3 Kasım'da teslim ettim.", "web", None
    )
    assert row.answered_at is not None
    resumed = obligation(case.feedback, "resolution")
    calendar = calendar_get(case.feedback.office.calendar_code)
    waited = business_time_between(calendar, row.asked_at, row.answered_at)
    assert resumed.paused_since is None
    assert resumed.paused_seconds == int(waited.total_seconds())
    assert resumed.due_at >= paused.due_at
    after = track(api, case)
    assert (after["waiting_for_customer"], after["question"]) == (False, None)
    # The handler hears that the customer answered.
    assert OutboundMessage.objects.filter(kind="staff_alert", recipient=user("handler").email)


def test_the_customer_answers_through_the_api(
    demo: None, api: Client, staff_headers: Callable[[str], dict[str, str]]
) -> None:
    case = case_in("in_progress")
    assert ask(api, staff_headers("reviewer"), case).status_code == 201
    wrong = answer(api, case, "Yanıtım", code="WRONG-CODE")
    assert wrong.status_code == 404
    assert wrong.json() == api.get(
        f"/api/v1/track/{case.reference}", {"code": "WRONG-CODE"}
    ).json()
    response = answer(api, case, "3 Kasım.")
    assert response.status_code == 200, response.content
    assert response.json()["waiting_for_customer"] is False
    again = answer(api, case, "Bir daha.")
    assert again.status_code == 409
    assert CustomerQuestion.objects.get().answer == "3 Kasım."


def test_409_without_an_open_question_and_for_a_case_not_in_progress(
    demo: None, api: Client, staff_headers: Callable[[str], dict[str, str]]
) -> None:
    created = Case()
    assert answer(api, created, "Ne sorusu?").status_code == 409
    assert ask(api, staff_headers("reviewer"), created).status_code == 409
    worked = case_in("in_progress")
    assert ask(api, staff_headers("handler"), worked).status_code == 201
    assert ask(api, staff_headers("handler"), worked, "Bir soru daha").status_code == 409
    staff_answer = api.post(
        f"/api/v1/feedback/{created.reference}/questions/answer",
        {"answer": "Telefonda söyledi.", "channel": "phone"},
        content_type="application/json", headers=staff_headers("reviewer"),
    )
    assert staff_answer.status_code == 409


@pytest.mark.parametrize("username", ["agent", "auditor", "admin", "handler2"])
def test_roles_that_do_not_work_the_case_may_not_ask(
    demo: None, api: Client, staff_headers: Callable[[str], dict[str, str]], username: str
) -> None:
    if username == "handler2":
        staff("handler2", "handler")  # a handler, but the case is another handler's
    case = case_in("in_progress")
    assert ask(api, staff_headers(username), case).status_code == 403
    assert not CustomerQuestion.objects.exists()
    assert obligation(case.feedback, "resolution").paused_since is None


def test_staff_record_an_answer_given_by_phone(
    demo: None, api: Client, staff_headers: Callable[[str], dict[str, str]]
) -> None:
    case = case_in("in_progress")
    assert ask(api, staff_headers("handler"), case).status_code == 201
    refused = api.post(
        f"/api/v1/feedback/{case.reference}/questions/answer",
        {"answer": "Telefonda söyledi.", "channel": "phone"},
        content_type="application/json", headers=staff_headers("agent"),
    )
    assert refused.status_code == 403
    response = api.post(
        f"/api/v1/feedback/{case.reference}/questions/answer",
        {"answer": "Telefonda söyledi: 3 Kasım.", "channel": "phone"},
        content_type="application/json", headers=staff_headers("handler"),
    )
    assert response.status_code == 200, response.content
    [question] = response.json()["questions"]
    assert (question["answer_channel"], question["recorded_by"]) == ("phone", "handler")
    assert response.json()["waiting_for_customer"] is False
    assert obligation(case.feedback, "resolution").paused_since is None


def test_an_e_mail_reply_answers_the_open_question(demo: None) -> None:
    case = case_in("in_progress")
    question_ask(actor=user("handler"), feedback=case.fresh(), question=QUESTION)
    raw = build_mail(subject=f"Re: [{case.reference}] Bir sorumuz var",
                     text="3 Kasım'da teslim ettim, fişi ekliyorum.")
    call_command("mailgate", stdin=BytesIO(raw), stdout=StringIO())
    row = CustomerQuestion.objects.get(feedback=case.feedback)
    assert row.answer_channel == "email" and "3 Kasım'da teslim ettim" in row.answer
    assert obligation(case.feedback, "resolution").paused_since is None
    # A later reply is only a message on the case: nothing is waiting any more.
    call_command("mailgate", stdin=BytesIO(build_mail(subject=f"Re: [{case.reference}]")),
                 stdout=StringIO())
    assert CustomerQuestion.objects.get(feedback=case.feedback).answer == row.answer


def test_the_desk_asks_and_records_the_answer(demo: None) -> None:
    case = case_in("in_progress")
    handler = signed_in("handler")
    page = all_groups_opened(handler, f"/desk/feedback/{case.reference}")
    assert "question" in forms_on(page)
    assert "question" not in forms_on(
        all_groups_opened(signed_in("agent"), f"/desk/feedback/{case.reference}")
    )
    asked = handler.post(f"/desk/feedback/{case.reference}/do/question",
                         {"question-question": QUESTION})
    assert asked.status_code == 302
    page = all_groups_opened(handler, f"/desk/feedback/{case.reference}")
    assert QUESTION in page  # the answer form names the open question
    recorded = handler.post(
        f"/desk/feedback/{case.reference}/do/question",
        {"question-answer": "Telefonda: 3 Kasım.", "question-channel": "phone"},
    )
    assert recorded.status_code == 302
    row = CustomerQuestion.objects.get()
    assert (row.answer, row.answer_channel, row.recorded_by) == (
        "Telefonda: 3 Kasım.", "phone", user("handler")
    )
    forbidden = signed_in("agent").post(f"/desk/feedback/{case.reference}/do/question",
                                        {"question-question": QUESTION})
    assert forbidden.status_code == 403


def test_leaving_in_progress_withdraws_the_question(demo: None) -> None:
    case = case_in("in_progress")
    question_ask(actor=user("handler"), feedback=case.fresh(), question=QUESTION)
    case.propose()
    row = CustomerQuestion.objects.get()
    assert row.withdrawn_at is not None and not row.is_open
    assert obligation(case.feedback, "resolution").paused_since is None
    with pytest.raises(Conflict):
        question_answer(feedback=case.fresh(), answer="Geç kaldım.")


# --- The reminder --------------------------------------------------------------------


def test_one_reminder_after_three_business_days(demo: None) -> None:
    feedback = fax_case_in_progress()
    question_ask(actor=user("handler"), feedback=feedback, question=QUESTION,
                 now=at("2026-11-23 10:00"))  # Monday
    assert question_reminders_send(now=at("2026-11-26 08:59")) == 0
    assert question_reminders_send(now=at("2026-11-26 09:00")) == 1  # Thursday's opening
    reminder = OutboundMessage.objects.get(kind="question_reminder")
    assert QUESTION in reminder.text and feedback.reference in reminder.subject
    assert question_reminders_send(now=at("2026-11-30 09:00")) == 0  # once per question
    assert OutboundMessage.objects.filter(kind="question_reminder").count() == 1


@override_settings(MEMNUN_QUESTION_REMINDER_DAYS=1)
def test_the_reminder_days_are_configurable_and_skip_the_weekend(demo: None) -> None:
    feedback = fax_case_in_progress()
    question_ask(actor=user("handler"), feedback=feedback, question=QUESTION,
                 now=at("2026-11-27 10:00"))  # Friday
    assert question_reminders_send(now=at("2026-11-29 12:00")) == 0  # Sunday
    assert question_reminders_send(now=at("2026-11-30 09:00")) == 1  # Monday


def test_an_answered_question_is_not_reminded(demo: None) -> None:
    feedback = fax_case_in_progress()
    question_ask(actor=user("handler"), feedback=feedback, question=QUESTION,
                 now=at("2026-11-23 10:00"))
    question_answer(feedback=feedback, answer="Tamam.", now=at("2026-11-24 10:00"))
    assert question_reminders_send(now=at("2026-12-10 09:00")) == 0


def test_business_days_later_counts_open_days() -> None:
    from memnun.servicelevels.calendar import BusinessCalendar

    week = {d: ["09:00-18:00"] for d in ("mon", "tue", "wed", "thu", "fri")}
    calendar = BusinessCalendar.from_spec(
        weekly=week, closed_days=[at("2026-11-24 00:00").date()]
    )
    assert business_days_later(calendar, at("2026-11-23 17:59"), 1) == at("2026-11-25 09:00")
    assert business_days_later(calendar, at("2026-11-27 10:00"), 3) == at("2026-12-02 09:00")
    with pytest.raises(ValueError):
        business_days_later(calendar, at("2026-11-23 10:00"), 0)


# --- Configuration refused at start-up ----------------------------------------------


def ids(**settings: Any) -> list[str]:
    with override_settings(**settings):
        return [message.id or "" for message in run_checks()]


def test_the_default_configuration_passes_the_checks() -> None:
    assert not [m for m in run_checks() if m.id and m.id.startswith("memnun.")]


def test_a_pause_status_the_lifecycle_does_not_have_is_refused() -> None:
    assert "memnun.E001" in ids(SERVICE_LEVEL_PAUSE_STATUSES=["waiting_for_customer"])
    # Naming real statuses still does nothing: a warning says so.
    assert ids(SERVICE_LEVEL_PAUSE_STATUSES=["in_progress"]).count("memnun.W001") == 1
    with mock.patch.dict(os.environ, {"MEMNUN_PAUSE_STATUSES": "waiting, in_progress"}):
        assert "memnun.E001" in ids()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("MEMNUN_REOPEN_DAYS", 0),
        ("MEMNUN_REOPEN_DAYS", -3),
        ("MEMNUN_QUESTION_REMINDER_DAYS", 0),
        ("MEMNUN_RESOLUTION_REMINDER_DAYS", 0),
        ("MEMNUN_RESOLUTION_REMINDERS", -1),
        ("TRACKING_LINK_DAYS", "60"),
        ("MEMNUN_OUTBOX_BATCH", True),
    ],
)
def test_numbers_that_cannot_work_are_refused(name: str, value: object) -> None:
    assert "memnun.E002" in ids(**{name: value})


def test_a_backoff_ceiling_below_its_start_is_refused() -> None:
    assert "memnun.E003" in ids(
        MEMNUN_OUTBOX_BACKOFF_SECONDS=600, MEMNUN_OUTBOX_BACKOFF_MAX_SECONDS=60
    )


@pytest.mark.parametrize(
    "limits",
    [{"handlr": 2000}, {"handler": -1}, {"reviewer": "10000"}, ["handler"]],
)
def test_compensation_limits_name_real_roles_and_amounts(limits: object) -> None:
    assert "memnun.E004" in ids(MEMNUN_COMPENSATION_LIMITS=limits)


def test_service_targets_for_unknown_channels_or_bad_graces_are_refused() -> None:
    from memnun.servicelevels import defaults

    broken = {**defaults.DEFAULT_TARGETS, "ack:telegram": ("immediate", 1, 50),
              "ack:web": ("immediate", -1, 50), "update": ("hourly", 60, 80)}
    del broken["resolution:request"]
    with mock.patch("memnun.feedback.checks.DEFAULT_TARGETS", broken):
        messages = [m.msg for m in run_checks() if m.id == "memnun.E005"]
    assert any("ack:telegram" in m for m in messages)
    assert any("'ack:web' needs at least 0" in m for m in messages)
    assert any("unknown mode 'hourly'" in m for m in messages)
    assert any("resolution:request" in m and "missing" in m for m in messages)
