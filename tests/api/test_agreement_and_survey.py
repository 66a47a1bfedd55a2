"""POST /api/v1/track/{reference}/agreement and /survey: the customer's answers."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from memnun.audit.models import AuditEvent
from memnun.feedback.models import CustomerAnswer, SurveyAnswer
from memnun.feedback.references import reference_format
from tests.casework import Case, case_in

pytestmark = pytest.mark.django_db


def post(api: Client, path: str, body: dict[str, Any], **extra: Any) -> Any:
    return api.post(f"/api/v1/track/{path}", body, content_type="application/json", **extra)


def test_accepting_records_the_agreement(demo: None, api: Client) -> None:
    case = case_in("resolved")
    response = post(api, f"{case.reference}/agreement",
                    {"code": case.code, "accept": True, "comment": "Teşekkürler."})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "resolved" and body["awaiting_agreement"] is False
    answer = CustomerAnswer.objects.get(feedback=case.feedback)
    assert answer.accept and answer.channel == "web" and answer.recorded_by is None
    event = AuditEvent.objects.get(object_id=case.reference, action="feedback.resolution_accepted")
    assert "Teşekkürler" not in str(event.data)


@pytest.mark.parametrize("status", ["created", "in_progress", "under_review", "closed"])
def test_no_resolution_awaits_an_answer(demo: None, api: Client, status: str) -> None:
    case = case_in(status)
    response = post(api, f"{case.reference}/agreement", {"code": case.code, "accept": False})
    assert response.status_code == 409
    assert response.json()["error"] == "conflict"
    assert case.fresh().escalation_level == 0


def test_a_wrong_code_is_the_same_404_as_tracking(demo: None, api: Client) -> None:
    case = case_in("resolved")
    unknown = reference_format(year=2026, seq=999_999)
    answers = [
        post(api, f"{case.reference}/agreement", {"code": "AAAA-BBBB", "accept": True}),
        post(api, f"{unknown}/agreement", {"code": case.code, "accept": True}),
        post(api, f"{case.reference}/survey", {"code": "AAAA-BBBB", "score": 5}),
        api.get(f"/api/v1/track/{case.reference}", {"code": "AAAA-BBBB"}),
    ]
    assert {r.status_code for r in answers} == {404}
    assert len({r.content for r in answers}) == 1
    assert not CustomerAnswer.objects.exists()


def test_misses_on_the_answer_endpoints_are_throttled(demo: None, api: Client) -> None:
    case = case_in("closed")
    for i in range(settings.TRACK_MISSES_PER_HOUR):
        path = "agreement" if i % 2 else "survey"
        post(api, f"{case.reference}/{path}", {"code": "AAAA-BBBB", "accept": True, "score": 3})
    blocked = post(api, f"{case.reference}/survey", {"code": case.code, "score": 5})
    assert blocked.status_code == 429 and blocked.json()["error"] == "throttled"
    assert api.get(f"/api/v1/track/{case.reference}", {"code": case.code}).status_code == 429
    assert not SurveyAnswer.objects.exists()


def test_the_survey_once_the_case_is_closed_and_once_only(demo: None, api: Client) -> None:
    case = case_in("resolved")
    early = post(api, f"{case.reference}/survey", {"code": case.code, "score": 4})
    assert early.status_code == 409
    case.answer(accept=True).close()
    first = post(api, f"{case.reference}/survey",
                 {"code": case.code, "score": 4, "comment": "Hızlıydı."})
    assert first.status_code == 200, first.content
    assert first.json()["status"] == "closed"
    second = post(api, f"{case.reference}/survey", {"code": case.code, "score": 1})
    assert second.status_code == 409
    survey = SurveyAnswer.objects.get(feedback=case.feedback)
    assert (survey.score, survey.comment) == (4, "Hızlıydı.")
    assert AuditEvent.objects.get(
        object_id=case.reference, action="feedback.survey_answered"
    ).data == {"score": 4}


@pytest.mark.parametrize("score", [0, 6, "5", 4.5, None])
def test_the_score_is_a_whole_number_from_one_to_five(
    demo: None, api: Client, score: Any
) -> None:
    case = case_in("closed")
    response = post(api, f"{case.reference}/survey", {"code": case.code, "score": score})
    assert response.status_code == 422
    assert "score" in response.json()["fields"]


def test_tracking_shows_messages_never_notes(
    demo: None, api: Client, staff_headers: Any
) -> None:
    case = Case()
    headers = staff_headers("agent")
    for path, text in (("notes", "İç not: müşteri sinirli."), ("messages", "Cihazınız hazır.")):
        response = api.post(f"/api/v1/feedback/{case.reference}/{path}", {"body": text},
                            content_type="application/json", headers=headers)
        assert response.status_code == 201, response.content
    tracked = api.get(f"/api/v1/track/{case.reference}", {"code": case.code})
    assert [m["body"] for m in tracked.json()["messages"]] == ["Cihazınız hazır."]
    assert "İç not" not in tracked.content.decode()
    staff_view = api.get(f"/api/v1/feedback/{case.reference}", headers=headers).json()
    assert [(m["body"], m["visible_to_customer"]) for m in staff_view["messages"]] == [
        ("İç not: müşteri sinirli.", False), ("Cihazınız hazır.", True)
    ]
