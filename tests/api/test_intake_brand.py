"""The brand at intake: kept as the customer wrote it, linked when known, never refused;
unmatched spellings tidied in /admin/ (past and future feedback follow)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from memnun.audit.chain import audit_verify
from memnun.audit.models import AuditEvent
from memnun.feedback.models import Feedback
from memnun.organisation.models import Brand
from tests.casework import user
from tests.conftest import feedback_payload
from tests.desk.helpers import signed_in

pytestmark = pytest.mark.django_db


def post(api: Client, **overrides: Any) -> Feedback:
    response = api.post(
        "/api/v1/feedback", feedback_payload(**overrides), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    return Feedback.objects.get(reference=response.json()["reference"])


def test_an_unknown_brand_is_kept_as_written_and_never_refused(
    demo: None, api: Client, staff_headers: Any
) -> None:
    response = api.post(
        "/api/v1/feedback", feedback_payload(brand="Nokla  Phone"),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    feedback = Feedback.objects.get(reference=body["reference"])
    assert feedback.brand is None and feedback.brand_text == "Nokla Phone"

    detail = api.get(f"/api/v1/feedback/{body['reference']}", headers=staff_headers("agent"))
    assert (detail.json()["brand"], detail.json()["brand_text"]) == (None, "Nokla Phone")
    track = api.get(f"/api/v1/track/{body['reference']}?code={body['tracking_code']}")
    assert track.json()["brand"] == "Nokla Phone"


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("SAMSUNG", "samsung"),
        ("samsung", "samsung"),
        ("  Samsung ", "samsung"),
        ("XIAOMI", "xiaomi"),  # a Turkish keyboard's I
        ("XİAOMİ", "xiaomi"),  # and its İ
        ("xıaomı", "xiaomi"),
        ("Oppo", "oppo"),
        ("HUAWEİ", "huawei"),
    ],
)
def test_a_known_brand_is_linked_in_any_casing(
    demo: None, api: Client, written: str, code: str
) -> None:
    feedback = post(api, brand=written)
    assert feedback.brand is not None and feedback.brand.code == code
    assert feedback.brand_text == written.strip()


def test_a_linked_brand_is_shown_by_name_on_tracking(
    demo: None, api: Client, staff_headers: Any
) -> None:
    response = api.post("/api/v1/feedback", feedback_payload(brand="APPLE"),
                        content_type="application/json").json()
    track = api.get(f"/api/v1/track/{response['reference']}?code={response['tracking_code']}")
    assert track.json()["brand"] == "Apple"
    detail = api.get(f"/api/v1/feedback/{response['reference']}", headers=staff_headers("agent"))
    assert (detail.json()["brand"], detail.json()["brand_text"]) == ("apple", "APPLE")


def test_an_inactive_brand_is_not_linked(demo: None, api: Client) -> None:
    Brand.objects.filter(code="lenovo").update(is_active=False)
    feedback = post(api, brand="Lenovo")
    assert feedback.brand is None and feedback.brand_text == "Lenovo"


def _admin() -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user("admin"))
    return client


def test_admin_lists_unmatched_spellings_with_counts_and_links_them(
    demo: None, api: Client
) -> None:
    first = post(api, brand="Galaksi")
    second = post(api, brand="GALAKSİ")
    post(api, brand="Galaksi")
    other = post(api, brand="Reeldi")
    post(api, brand="Samsung")  # linked: not listed

    page = _admin().get("/admin/feedback/unmatchedbrand/")
    assert page.status_code == 200
    rows = re.findall(r'<th scope="row">([^<]+)(?:<br><small>([^<]*)</small>)?</th>\s*'
                      r'<td class="count">(\d+)</td>', page.content.decode())
    assert rows == [("Galaksi", "GALAKSİ, Galaksi", "3"), ("Reeldi", "", "1")]

    samsung = Brand.objects.get(code="samsung")
    response = _admin().post(
        "/admin/feedback/unmatchedbrand/", {"text": "Galaksi", "brand": samsung.pk}
    )
    assert response.status_code == 302
    for case in (first, second):
        case.refresh_from_db()
        assert case.brand == samsung
    other.refresh_from_db()
    assert other.brand is None
    samsung.refresh_from_db()
    assert "Galaksi" in samsung.aliases.splitlines()
    assert AuditEvent.objects.filter(
        action="feedback.brand_linked", object_id=first.reference
    ).exists()
    assert audit_verify().ok

    # The spelling is learnt: later feedback written so links at intake.
    later = post(api, brand="galaksi")
    assert later.brand == samsung
    html = _admin().get("/admin/feedback/unmatchedbrand/").content.decode()
    assert "Galaksi" not in html and "Reeldi" in html


def test_adding_the_brand_in_admin_links_its_past_feedback(demo: None, api: Client) -> None:
    past = post(api, brand="Reeldi")
    response = _admin().post(
        "/admin/organisation/brand/add/",
        {"code": "realme", "name": "Realme", "aliases": "Reeldi\nRılmi", "is_active": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    past.refresh_from_db()
    assert past.brand is not None and past.brand.code == "realme"
    assert post(api, brand="RILMI").brand == past.brand


def test_only_brand_editors_see_the_unmatched_list(demo: None) -> None:
    from memnun.accounts.roles import Role
    from tests.casework import staff

    client = Client()
    client.force_login(staff("clerk", Role.ADMIN, office=None, is_staff=True))
    assert client.get("/admin/feedback/unmatchedbrand/").status_code == 403
    assert client.post("/admin/feedback/unmatchedbrand/", {"text": "x", "brand": 1}
                       ).status_code == 403


def _portal_form(client: Client, **overrides: str) -> dict[str, str]:
    page = client.get("/feedback/new/").content.decode()
    submission = re.search(r'name="submission" value="([0-9a-f]+)"', page)
    assert submission
    return {
        "type": "complaint", "subject": "Ekran değişimi gecikti",
        "description": "Telefonum üç haftadır serviste.", "preferred_contact": "email",
        "language": "tr", "email": "isil@example.com", "name": "Işıl Öztürk",
        "privacy_notice": "on", "submission": submission.group(1), **overrides,
    }


def test_the_portal_offers_the_brands_plus_other(demo: None) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    html = client.get("/feedback/new/").content.decode()
    options = re.findall(r'<option value="([^"]*)"', html.split('name="brand"')[1].split(
        "</select>")[0])
    assert options[0] == "" and "samsung" in options and options[-1] == "*other"
    assert 'name="brand_other"' in html


@pytest.mark.parametrize(
    ("brand", "other", "code", "text"),
    [
        ("*other", "Nokla", None, "Nokla"),
        ("*other", "SAMSUNG", "samsung", "SAMSUNG"),  # "other", but a known one after all
        ("", "Nokla", None, "Nokla"),  # written without choosing "other"
        ("apple", "", "apple", "apple"),
    ],
)
def test_the_portal_records_the_chosen_or_written_brand(
    demo: None, brand: str, other: str, code: str | None, text: str
) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(
        "/feedback/new/", _portal_form(client, brand=brand, brand_other=other)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    feedback = Feedback.objects.get()
    assert (feedback.brand.code if feedback.brand else None, feedback.brand_text) == (code, text)


def test_the_portal_asks_for_the_other_brand_when_other_is_chosen(demo: None) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post("/feedback/new/", _portal_form(client, brand="*other"))
    assert response.status_code != 302
    assert "Write the brand&#x27;s name." in response.content.decode()
    assert not Feedback.objects.exists()


def test_the_desk_intake_form_takes_another_brand(demo: None) -> None:
    client = signed_in("agent")
    assert 'value="*other"' in client.get("/desk/intake/phone/").content.decode()
    response = client.post("/desk/intake/phone/", {
        "type": "complaint", "subject": "Ekran", "description": "Müşteri aradı.",
        "name": "Işıl Öztürk", "phone": "0532 123 45 67", "language": "tr",
        "privacy_notice": "on", "brand": "*other", "brand_other": "Nokla",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    feedback = Feedback.objects.get()
    assert feedback.brand is None and feedback.brand_text == "Nokla"
    page = client.get(f"/desk/feedback/{feedback.reference}").content.decode()
    assert "Nokla" in page and "not in the brand list" in page
