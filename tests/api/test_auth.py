"""POST /api/v1/auth/token and bearer tokens."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from memnun.accounts.models import ApiToken, User
from tests.conftest import PASSWORD, feedback_payload
from tests.twofactor import app_code, enrolled, wrong_code

pytestmark = pytest.mark.django_db


def login(api: Client, username: str, password: str, **extra: str) -> object:
    return api.post(
        "/api/v1/auth/token",
        {"username": username, "password": password, **extra},
        content_type="application/json",
    )


def test_a_token_is_issued_and_works(demo: None, api: Client) -> None:
    response = login(api, "agent", PASSWORD)
    assert response.status_code == 200  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert body["token"] and body["expires_at"]
    row = ApiToken.objects.get()
    assert body["token"] not in row.key_hash  # only a hash is kept
    created = api.post(
        "/api/v1/feedback", feedback_payload(channel="phone"), content_type="application/json",
        headers={"Authorization": f"Bearer {body['token']}"},
    )
    assert created.status_code == 201


def test_wrong_password_is_401(demo: None, api: Client) -> None:
    response = login(api, "agent", "wrong")
    assert response.status_code == 401  # type: ignore[attr-defined]
    assert response.json()["error"] == "unauthorized"  # type: ignore[attr-defined]


def test_unknown_user_is_401(demo: None, api: Client) -> None:
    assert login(api, "nobody", PASSWORD).status_code == 401  # type: ignore[attr-defined]


def test_inactive_user_is_401(demo: None, api: Client) -> None:
    User.objects.filter(username="agent").update(is_active=False)
    assert login(api, "agent", PASSWORD).status_code == 401  # type: ignore[attr-defined]


def test_repeated_failures_are_throttled(demo: None, api: Client) -> None:
    from django.conf import settings

    codes = [
        login(api, "agent", "wrong").status_code  # type: ignore[attr-defined]
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    # The failure that reaches the limit is already answered as throttled.
    assert codes == [401] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    locked = login(api, "agent", PASSWORD)  # even the right password, while locked
    assert locked.status_code == 429  # type: ignore[attr-defined]
    assert locked.json()["error"] == "throttled"  # type: ignore[attr-defined]
    assert "Retry-After" in locked  # type: ignore[operator]


def test_two_factor_users_need_their_code(demo: None, api: Client) -> None:
    user = User.objects.get(username="quality")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    missing = login(api, "quality", PASSWORD)
    assert missing.status_code == 401  # type: ignore[attr-defined]
    assert "otp" in missing.json()["fields"]  # type: ignore[attr-defined]
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    good = login(api, "quality", PASSWORD, otp=f"{code:06d}")
    assert good.status_code == 200, good.content  # type: ignore[attr-defined]
    wrong = login(api, "quality", PASSWORD, otp=f"{(code + 1) % 1_000_000:06d}")
    assert wrong.status_code == 401  # type: ignore[attr-defined]


def test_a_bad_or_expired_token_is_401(
    api: Client, token_for: Callable[[str], str]
) -> None:
    token = token_for("agent")
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    for header in (f"Bearer {token}", "Bearer nonsense", "Basic abc"):
        response = api.post(
            "/api/v1/feedback", feedback_payload(channel="fax"), content_type="application/json",
            headers={"Authorization": header},
        )
        assert response.status_code == 401
        assert response.json()["error"] == "unauthorized"


def test_staff_reads_need_a_token(demo: None, api: Client) -> None:
    response = api.get("/api/v1/feedback/26-000001-3")
    assert response.status_code == 401
    assert set(response.json()) == {"error", "detail", "fields"}


@override_settings(MEMNUN_TWO_FACTOR_WAIVED=False)
@pytest.mark.parametrize("username", ["quality", "admin", "auditor", "manager", "privacy"])
def test_required_roles_get_no_token_before_they_enrol(
    demo: None, api: Client, username: str
) -> None:
    """Issue 13 item 4: the roles that need two-factor get a token only with the code."""
    refused = login(api, username, PASSWORD)
    assert refused.status_code == 403  # type: ignore[attr-defined]
    assert refused.json()["error"] == "forbidden"  # type: ignore[attr-defined]
    assert "iki adımlı" in refused.json()["detail"]  # type: ignore[attr-defined]
    assert not ApiToken.objects.exists()


@override_settings(MEMNUN_TWO_FACTOR_WAIVED=False)
def test_a_required_role_gets_a_token_with_its_code_only(demo: None, api: Client) -> None:
    device, codes = enrolled("auditor")
    assert login(api, "auditor", PASSWORD).status_code == 401  # type: ignore[attr-defined]
    wrong = login(api, "auditor", PASSWORD, otp=wrong_code(device))
    assert wrong.status_code == 401  # type: ignore[attr-defined]
    assert not ApiToken.objects.exists()
    device.throttle_reset()
    good = login(api, "auditor", PASSWORD, otp=app_code(device, steps_ahead=1))
    assert good.status_code == 200, good.content  # type: ignore[attr-defined]
    # A recovery code works too, once.
    assert login(api, "auditor", PASSWORD, otp=codes[0]).status_code == 200  # type: ignore[attr-defined]
    assert login(api, "auditor", PASSWORD, otp=codes[0]).status_code == 401  # type: ignore[attr-defined]
    assert ApiToken.objects.filter(user__username="auditor").count() == 2


@override_settings(MEMNUN_TWO_FACTOR_WAIVED=False)
def test_other_roles_get_a_token_with_the_password(demo: None, api: Client) -> None:
    assert login(api, "handler", PASSWORD).status_code == 200  # type: ignore[attr-defined]
