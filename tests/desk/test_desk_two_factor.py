"""Staff two-factor at the desk and the admin: enrolment (QR code, secret, confirmation,
recovery codes shown once), the code after the password, recovery codes that work once,
and the roles that must enrol before anything else (issue 13, item 4)."""

from __future__ import annotations

import os
import subprocess
import sys
from base64 import b32encode
from pathlib import Path

import pytest
from django.test import override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from memnun.accounts.models import RecoveryCode, User
from memnun.audit.models import AuditEvent
from tests.twofactor import app_code, enrolled, password_signed_in, wrong_code

pytestmark = pytest.mark.django_db

ENFORCED = override_settings(MEMNUN_TWO_FACTOR_WAIVED=False)
REQUIRED_ROLES = ["quality", "admin", "auditor", "manager", "privacy"]  # demo usernames
OTHER_ROLES = ["agent", "handler", "reviewer"]


@ENFORCED
def test_enrolment_with_qr_code_secret_confirmation_and_recovery_codes(demo: None) -> None:
    client, location = password_signed_in("quality")
    assert location == "/desk/queue/"
    # A required role without a device is sent to enrolment, from the desk and the admin.
    for path in ("/desk/queue/", "/desk/reports/", "/desk/api-tokens/", "/admin/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/desk/two-factor/?next="), path
    page = client.get("/desk/two-factor/?next=/desk/reports/")
    assert page.status_code == 200
    html = page.content.decode()
    device = TOTPDevice.objects.get(user__username="quality", confirmed=False)
    assert "<svg" in html and "<path" in html  # the QR code, drawn on the server
    secret = b32encode(device.bin_key).decode().rstrip("=")
    assert secret[:4] + " " + secret[4:8] in html  # the same secret, typed by hand
    again = client.get("/desk/two-factor/")  # a reload keeps the secret already scanned
    assert TOTPDevice.objects.filter(user__username="quality").count() == 1
    assert secret[:4] in again.content.decode()

    refused = client.post("/desk/two-factor/", {"enrol-code": wrong_code(device)})
    assert refused.status_code == 422
    assert "wrong or expired" in refused.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get("/desk/queue/").status_code == 302

    device.throttle_reset()  # the wrong code slowed the device down for a second
    shown = client.post(
        "/desk/two-factor/", {"enrol-code": app_code(device), "next": "/desk/reports/"}
    )
    assert shown.status_code == 200
    assert "no-store" in shown["Cache-Control"]
    codes = shown.context["codes"]
    assert len(codes) == 10 == len(set(codes))
    for code in codes:
        assert code in shown.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    stored = list(RecoveryCode.objects.filter(device__user=device.user)
                  .values_list("code_hash", flat=True))
    assert len(stored) == 10
    assert not set(stored) & {c for code in codes for c in (code, code.replace("-", ""))}
    assert AuditEvent.objects.filter(
        action="accounts.two_factor_enrolled", object_id=str(device.user_id)
    ).exists()
    # The session is verified by the enrolment: the desk opens.
    assert client.get("/desk/reports/").status_code == 200
    # The codes are never shown again.
    status = client.get("/desk/two-factor/")
    assert "10 recovery codes are left" in status.content.decode()
    assert not any(code in status.content.decode() for code in codes)


@ENFORCED
def test_the_code_is_asked_after_the_password_and_a_wrong_one_keeps_the_desk_shut(
    demo: None,
) -> None:
    device, _codes = enrolled("handler")  # any role that enrolled gives the code
    client, location = password_signed_in("handler", next_url="/desk/follow-up/")
    assert client.get(location)["Location"].startswith("/desk/two-factor/verify/?next=")
    page = client.get("/desk/two-factor/verify/?next=/desk/follow-up/")
    assert page.status_code == 200
    refused = client.post("/desk/two-factor/verify/", {"verify-code": wrong_code(device)})
    assert refused.status_code == 422
    assert client.get("/desk/queue/").status_code == 302
    # The code the enrolment used is spent: it does not open a second session either.
    device.throttle_reset()
    replayed = client.post("/desk/two-factor/verify/", {"verify-code": app_code(device)})
    assert replayed.status_code == 422
    device.throttle_reset()
    passed = client.post(
        "/desk/two-factor/verify/",
        {"verify-code": app_code(device, steps_ahead=1), "next": "/desk/follow-up/"},
    )
    assert passed.status_code == 302
    assert passed["Location"] == "/desk/follow-up/"
    assert client.get("/desk/queue/").status_code == 200


@ENFORCED
def test_the_verify_page_sends_nowhere_but_this_site(demo: None) -> None:
    device, _codes = enrolled("agent")
    client, _location = password_signed_in("agent")
    passed = client.post(
        "/desk/two-factor/verify/",
        {"verify-code": app_code(device, steps_ahead=1), "next": "https://evil.example/"},
    )
    assert passed["Location"] == "/desk/"  # the home


@ENFORCED
def test_a_recovery_code_works_once(demo: None) -> None:
    _device, codes = enrolled("privacy")
    client, _location = password_signed_in("privacy")
    typed = codes[3].upper().replace("-", " ")  # as someone may type it off paper
    assert client.post("/desk/two-factor/verify/", {"verify-code": typed}).status_code == 302
    assert client.get("/desk/queue/").status_code == 200
    used = AuditEvent.objects.get(action="accounts.recovery_code_used")
    assert used.data == {"left": 9}
    assert "9 recovery codes are left" in client.get("/desk/two-factor/").content.decode()

    again, _location = password_signed_in("privacy")
    refused = again.post("/desk/two-factor/verify/", {"verify-code": codes[3]})
    assert refused.status_code == 422
    assert again.get("/desk/queue/").status_code == 302


@ENFORCED
@pytest.mark.parametrize("username", REQUIRED_ROLES)
def test_required_roles_must_enrol_before_anything_else(demo: None, username: str) -> None:
    client, location = password_signed_in(username)
    response = client.get(location)
    assert response.status_code == 302
    assert response["Location"].startswith("/desk/two-factor/?next=")
    assert client.get("/desk/two-factor/").status_code == 200
    # Signing out stays open.
    assert client.post("/desk/logout/").status_code == 302


@ENFORCED
@pytest.mark.parametrize("username", OTHER_ROLES)
def test_other_roles_go_straight_to_the_desk(demo: None, username: str) -> None:
    client, location = password_signed_in(username)
    assert client.get(location).status_code == 200


@override_settings(MEMNUN_TWO_FACTOR_WAIVED=False, MEMNUN_TWO_FACTOR_EVERYONE=True)
def test_a_setting_requires_it_of_everyone(demo: None) -> None:
    client, location = password_signed_in("agent")
    assert client.get(location)["Location"].startswith("/desk/two-factor/?next=")


@override_settings(MEMNUN_TWO_FACTOR_WAIVED=False, MEMNUN_TWO_FACTOR_ROLES=["agent"])
def test_a_setting_lists_the_roles(demo: None) -> None:
    agent, location = password_signed_in("agent")
    assert agent.get(location)["Location"].startswith("/desk/two-factor/?next=")
    quality, location = password_signed_in("quality")
    assert quality.get(location).status_code == 200


def test_the_demo_configuration_waives_it_for_who_has_not_enrolled(demo: None) -> None:
    """The test suite runs as the demo does (MEMNUN_TWO_FACTOR_WAIVED): quality goes in
    with the password; one who enrolled still gives the code."""
    client, location = password_signed_in("quality")
    assert client.get(location).status_code == 200
    enrolled("auditor")
    auditor, location = password_signed_in("auditor")
    assert auditor.get(location)["Location"].startswith("/desk/two-factor/verify/")


@pytest.mark.parametrize(("demo_flag", "waived"), [("", "False"), ("1", "True")])
def test_only_the_demo_configuration_waives_it(tmp_path: Path, demo_flag: str, waived: str) -> None:
    env = {
        k: v for k, v in os.environ.items()
        if not k.startswith(("MEMNUN_", "DEBUG", "DJANGO_SETTINGS"))
    }
    env |= {"MEMNUN_DATA_DIR": str(tmp_path), "SECRET_KEY": "x" * 50, "MEMNUN_DEMO": demo_flag,
            "DJANGO_SETTINGS_MODULE": "memnun.settings"}
    out = subprocess.run(
        [sys.executable, "-c",
         "from django.conf import settings; print(settings.MEMNUN_TWO_FACTOR_WAIVED)"],
        env=env, capture_output=True, text=True, check=True, cwd=Path(__file__).parents[2],
    )
    assert out.stdout.strip() == waived


@ENFORCED
def test_the_admin_site_asks_for_the_code_after_its_own_login(demo: None) -> None:
    from django.test import Client

    from tests.conftest import PASSWORD

    device, _codes = enrolled("admin")
    client = Client()
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "admin", "password": PASSWORD,
                                       "next": "/admin/"},
        REMOTE_ADDR="127.0.0.32",
    )
    assert response.status_code == 302
    gated = client.get("/admin/accounts/user/")
    assert gated["Location"].startswith("/desk/two-factor/verify/?next=")
    client.post("/desk/two-factor/verify/", {"verify-code": app_code(device, steps_ahead=1)})
    assert client.get("/admin/accounts/user/").status_code == 200


@ENFORCED
@pytest.mark.parametrize(
    ("language", "heading", "verify"),
    [
        ("tr", "İki adımlı girişi kurun", "Tek kullanımlık kod"),
        ("en", "Set up two-factor sign-in", "One-time code"),
    ],
)
def test_the_pages_speak_turkish_and_english(
    demo: None, language: str, heading: str, verify: str
) -> None:
    client, _location = password_signed_in("manager", language=language)
    assert heading in client.get("/desk/two-factor/").content.decode()
    enrolled("agent")
    agent, _location = password_signed_in("agent", language=language)
    assert verify in agent.get("/desk/two-factor/verify/").content.decode()


def test_turning_two_factor_off_removes_the_recovery_codes_too(demo: None) -> None:
    from memnun.accounts.two_factor import two_factor_remove, two_factor_step

    enrolled("quality")
    user = User.objects.get(username="quality")
    assert two_factor_remove(user=user, actor="admin")
    assert not RecoveryCode.objects.filter(device__user=user).exists()
    assert two_factor_step(user=user) is None  # waived here; enrols again when required
