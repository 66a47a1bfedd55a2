"""Staff sessions and passwords as OWASP ASVS level 2 asks (docs/security.md: V2, V3)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from memnun.accounts.models import User
from tests.conftest import PASSWORD, feedback_payload

pytestmark = pytest.mark.django_db


def test_signing_in_gives_a_new_session_and_signing_out_ends_it(demo: None) -> None:
    """ASVS 3.2.1, 3.3.1, 3.4.2, 3.4.3."""
    client = Client()
    client.get("/desk/login/")
    client.session["probe"] = 1  # an anonymous session exists before sign-in
    before = client.cookies.get(settings.SESSION_COOKIE_NAME)
    response = client.post("/desk/login/", {"username": "agent", "password": PASSWORD})
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert before is None or cookie.value != before.value  # a fixation is not carried over
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    stolen = cookie.value
    assert client.get("/desk/queue/").status_code == 200

    assert client.post("/desk/logout/").status_code == 302
    # The old session id no longer opens the desk, from any browser.
    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = stolen
    response = thief.get("/desk/queue/")
    assert response.status_code == 302 and response["Location"].startswith("/desk/login/")


def test_signing_out_needs_a_post(demo: None) -> None:
    """A link or image on another page cannot sign staff out (state changes only on POST)."""
    client = Client()
    client.force_login(User.objects.get(username="agent"))
    assert client.get("/desk/logout/").status_code == 405
    assert client.get("/desk/queue/").status_code == 200


def test_passwords_shorter_than_twelve_characters_are_refused(demo: None) -> None:
    """ASVS 2.1.1: an administrator setting a password gets the rule too."""
    admin = Client()
    admin.force_login(User.objects.get(username="admin"))
    handler = User.objects.get(username="handler")
    url = f"/admin/accounts/user/{handler.pk}/password/"
    short = "kisa-parola"  # 11 characters
    response = admin.post(url, {"password1": short, "password2": short})
    assert response.status_code == 200
    assert "12" in response.content.decode()
    handler.refresh_from_db()
    assert not handler.check_password(short)
    longer = short + "x"
    assert admin.post(url, {"password1": longer, "password2": longer}).status_code == 302


def test_a_desk_session_does_not_authorise_api_calls(demo: None) -> None:
    """ASVS 13.2.3: the API takes bearer tokens only, so a cookie another site's page makes
    the browser send (cross-site request forgery) carries no authority there."""
    browser = Client()
    browser.force_login(User.objects.get(username="quality"))
    assert browser.get("/desk/queue/").status_code == 200
    assert browser.get("/api/v1/queue").status_code == 401
    refused = browser.post(
        "/api/v1/feedback", feedback_payload(channel="phone"), content_type="application/json"
    )
    # Treated as the public: staff channels are refused.
    assert refused.status_code == 403 and refused.json()["error"] == "forbidden"
