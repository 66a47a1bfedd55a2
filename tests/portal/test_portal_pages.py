"""The customer portal with Django's test client: forms, tracking security, headers."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from memnun.feedback.models import Feedback
from memnun.feedback.references import reference_format
from memnun.feedback.tracking_access import tracking_link_token
from tests import files

pytestmark = pytest.mark.django_db
PNG = files.PNG


def form_data(client: Client, **overrides: Any) -> dict[str, Any]:
    page = client.get("/feedback/new/").content.decode()
    submission = re.search(r'name="submission" value="([0-9a-f]+)"', page)
    assert submission
    data: dict[str, Any] = {
        "type": "complaint",
        "subject": "Ekran değişimi gecikti",
        "description": "Telefonum üç haftadır serviste.",
        "preferred_contact": "email",
        "language": "tr",
        "email": "isil@example.com",
        "name": "Işıl Öztürk",
        "privacy_notice": "on",
        "submission": submission.group(1),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def submit(client: Client, **overrides: Any) -> tuple[str, str]:
    response = client.post("/feedback/new/", form_data(client, **overrides))
    assert response.status_code == 302, response.content.decode()[:2000]
    html = client.get("/feedback/receipt/").content.decode()
    ref = re.search(r'id="reference">([^<]+)<', html)
    code = re.search(r'id="tracking-code">([^<]+)<', html)
    assert ref and code
    return ref.group(1), code.group(1)


def test_pages_are_turkish_by_default_and_english_on_request(demo: None, client: Client) -> None:
    tr = client.get("/").content.decode()
    assert '<html lang="tr">' in tr and "Geri bildirim" in tr
    en = client.get("/", headers={"Accept-Language": "en"}).content.decode()
    assert '<html lang="en">' in en and "Give feedback" in en
    assert "Atatürk Caddesi" in tr  # the offices' addresses


def test_the_language_choice_is_remembered(demo: None, client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert '<html lang="en">' in client.get("/").content.decode()


def test_a_complaint_is_recorded_with_a_receipt(demo: None, client: Client) -> None:
    reference, _code = submit(client)
    feedback = Feedback.objects.get(reference=reference)
    assert feedback.channel == "web" and feedback.customer.name == "Işıl Öztürk"
    assert feedback.recorded_by is None
    pdf = client.get("/feedback/receipt.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_field_errors_are_shown_beside_the_fields(demo: None, client: Client) -> None:
    response = client.post("/feedback/new/", form_data(client, privacy_notice=None, email=None))
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert 'href="#id_privacy_notice"' in html and 'href="#id_email"' in html
    assert 'aria-invalid="true"' in html
    assert "<title>Hata:" in html
    assert Feedback.objects.count() == 0


def test_a_second_click_does_not_record_twice(demo: None, client: Client) -> None:
    data = form_data(client)
    assert client.post("/feedback/new/", data).status_code == 302
    again = client.post("/feedback/new/", data)
    assert again.status_code == 302 and again["Location"].endswith("/feedback/receipt/")
    assert Feedback.objects.count() == 1


def test_bots_filling_the_hidden_field_record_nothing(demo: None, client: Client) -> None:
    response = client.post("/feedback/new/", form_data(client, website="http://spam.example"))
    assert response.status_code == 302
    assert Feedback.objects.count() == 0


@override_settings(WEB_INTAKE_PER_MINUTE=2)
def test_the_form_is_rate_limited(demo: None, client: Client) -> None:
    for _ in range(2):
        submit(client)
    response = client.post("/feedback/new/", form_data(client))
    assert response.status_code == 429
    assert Feedback.objects.count() == 2


@override_settings(WEB_INTAKE_PER_MINUTE=2)
def test_the_form_and_the_api_share_one_allowance_per_address(
    demo: None, client: Client
) -> None:
    from tests.conftest import feedback_payload

    api = client.post(
        "/api/v1/feedback", feedback_payload(), content_type="application/json"
    )
    assert api.status_code == 201
    submit(client)
    # A forwarded-for header names another client, but the connection is the same one.
    response = client.post(
        "/feedback/new/", form_data(client), HTTP_X_FORWARDED_FOR="203.0.113.9"
    )
    assert response.status_code == 429
    again = client.post(
        "/api/v1/feedback", feedback_payload(), content_type="application/json",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert again.status_code == 429
    assert Feedback.objects.count() == 2


def test_a_disguised_executable_is_refused(demo: None, client: Client) -> None:
    exe = SimpleUploadedFile("foto.jpg", b"MZ\x90\x00" + b"\x00" * 200, content_type="image/jpeg")
    response = client.post("/feedback/new/", form_data(client, attachments=exe))
    assert response.status_code == 422
    assert "içeriği türüyle uyuşmuyor" in response.content.decode() or (
        "Yalnızca JPEG" in response.content.decode()
    )
    assert Feedback.objects.count() == 0


@override_settings(ATTACHMENT_MAX_BYTES=1024)
def test_an_oversize_attachment_is_refused(demo: None, client: Client) -> None:
    big = SimpleUploadedFile("a.png", PNG + b"\x00" * 2048, content_type="image/png")
    response = client.post("/feedback/new/", form_data(client, attachments=big))
    assert response.status_code == 422
    assert "MB" in response.content.decode()


def test_forms_refuse_a_missing_csrf_token(demo: None) -> None:
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/feedback/new/", {"subject": "x"}).status_code == 403
    assert strict.post("/track/", {"reference": "x", "code": "y"}).status_code == 403


def test_tracking_with_reference_and_code(demo: None, client: Client) -> None:
    reference, code = submit(client)
    other = Client()
    assert other.get(f"/track/{reference}").status_code == 302  # no access yet
    response = other.post("/track/", {"reference": reference, "code": code.lower()})
    assert response.status_code == 302 and response["Location"] == f"/track/{reference}"
    page = other.get(f"/track/{reference}").content.decode()
    assert "Oluşturuldu" in page and "isil@example.com" not in page and "Işıl" not in page


def test_the_three_kinds_of_miss_look_the_same(demo: None, client: Client) -> None:
    reference, code = submit(client)
    digits = reference.replace("-", "")
    bad_check = f"{digits[:2]}-{digits[2:8]}-{(int(digits[8]) + 1) % 10}"
    unknown = reference_format(year=2026, seq=987_654)
    bodies = set()
    for ref, c in ((unknown, code), (bad_check, code), (reference, "AAAA-BBBB")):
        response = Client().post("/track/", {"reference": ref, "code": c})
        assert response.status_code == 404
        body = response.content.decode()
        body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
        body = re.sub(r'value="[^"]*"', "", body)
        bodies.add(body)
    assert len(bodies) == 1


@override_settings(TRACK_MISSES_PER_HOUR=3)
def test_repeated_misses_are_throttled(demo: None, client: Client) -> None:
    reference, code = submit(client)
    attacker = Client()
    for _ in range(3):
        assert (
            attacker.post("/track/", {"reference": reference, "code": "ZZZZ-ZZZZ"}).status_code
            == 404
        )
    response = attacker.post("/track/", {"reference": reference, "code": code})
    assert response.status_code == 429


def test_signed_links_open_the_case_then_leave_the_address(demo: None, client: Client) -> None:
    reference, _ = submit(client)
    feedback = Feedback.objects.get(reference=reference)
    fresh = Client()
    response = fresh.get(f"/track/{reference}", {"t": tracking_link_token(feedback=feedback)})
    assert response.status_code == 302 and response["Location"] == f"/track/{reference}"
    assert fresh.get(f"/track/{reference}").status_code == 200
    forged = Client().get(f"/track/{reference}", {"t": "forged:token"})
    assert forged.status_code == 302 and "/track/?reference=" in forged["Location"]


def test_signed_links_expire(demo: None, client: Client) -> None:
    reference, _ = submit(client)
    token = tracking_link_token(feedback=Feedback.objects.get(reference=reference))
    with override_settings(TRACKING_LINK_DAYS=0):
        response = Client().get(f"/track/{reference}", {"t": token})
    assert "/track/?reference=" in response["Location"]


def test_security_headers(demo: None, client: Client) -> None:
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_no_inline_script_or_style_in_pages(demo: None, client: Client) -> None:
    for path in ("/", "/privacy/", "/feedback/new/", "/track/"):
        html = client.get(path).content.decode()
        assert "<script>" not in html and " style=" not in html and "<style" not in html


def test_answering_needs_access_to_the_case(demo: None, client: Client) -> None:
    from tests.casework import Case

    case = Case().start().propose().approve()
    stranger = Client()
    response = stranger.post(f"/track/{case.reference}/agreement", {"answer": "accept"})
    assert response.status_code == 302 and "/track/?reference=" in response["Location"]
    assert case.fresh().status == "resolved"


def test_the_link_in_our_message_opens_the_answer_form(demo: None) -> None:
    from memnun.feedback.tracking_access import tracking_link_token as token
    from tests.casework import Case

    case = Case().start().propose().approve()
    customer = Client()
    landing = customer.get(
        f"/track/{case.reference}/agreement",
        {"t": token(feedback=case.feedback, purpose="agreement")},
    )
    assert landing.status_code == 302 and landing["Location"].endswith("#answer")
    page = customer.get(f"/track/{case.reference}").content.decode()
    assert 'id="answer"' in page and "Ekranınız yarın değiştirilecek" in page
    # A token for another purpose does not open the answer form.
    other = Client().get(
        f"/track/{case.reference}/agreement",
        {"t": token(feedback=case.feedback, purpose="survey")},
    )
    assert "/track/?reference=" in other["Location"]
    rejected = customer.post(
        f"/track/{case.reference}/agreement", {"answer": "reject", "comment": "Olmaz."}
    )
    assert rejected.status_code == 302
    feedback = case.fresh()
    assert feedback.status == "in_progress" and feedback.escalation_level == 1
    again = customer.post(f"/track/{case.reference}/agreement", {"answer": "accept"}, follow=True)
    assert "yanıtını bekleyen bir çözüm yok" in again.content.decode()


def test_the_survey_is_answered_once(demo: None) -> None:
    from memnun.feedback.models import SurveyAnswer
    from memnun.feedback.tracking_access import tracking_link_token as token
    from tests.casework import Case

    case = Case().start().propose().approve().answer(accept=True).close()
    customer = Client()
    customer.get(f"/track/{case.reference}/survey",
                 {"t": token(feedback=case.feedback, purpose="survey")})
    assert 'id="survey"' in customer.get(f"/track/{case.reference}").content.decode()
    customer.post(f"/track/{case.reference}/survey", {"score": "4", "comment": "İyi"})
    second = customer.post(f"/track/{case.reference}/survey", {"score": "1"}, follow=True)
    assert "zaten yanıtlandı" in second.content.decode()
    assert SurveyAnswer.objects.get(feedback=case.feedback).score == 4
    assert 'id="survey"' not in customer.get(f"/track/{case.reference}").content.decode()
