"""Two-factor in tests: an authenticator app's code computed from the device's key (as
the app on a phone does), and a member of staff enrolled through the real services."""

from __future__ import annotations

import time

from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from memnun.accounts.models import User
from memnun.accounts.two_factor import totp_confirm, totp_pending
from tests.conftest import PASSWORD


def app_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the app shows now (or `steps_ahead` 30-second steps later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    """A code no step within the device's tolerance accepts."""
    valid = {app_code(device, steps_ahead=s) for s in (-2, -1, 0, 1, 2)}
    return next(c for c in (f"{n:06d}" for n in range(0, 1_000_000, 7919)) if c not in valid)


def enrolled(username: str) -> tuple[TOTPDevice, list[str]]:
    """The user's app, confirmed (with the code of the current step, which is then used
    up), and their ten recovery codes."""
    user = User.objects.get(username=username)
    device = totp_pending(user=user)
    codes = totp_confirm(user=user, code=app_code(device))
    assert codes is not None
    device.refresh_from_db()
    return device, codes


def password_signed_in(
    username: str, *, language: str = "en", next_url: str = "/desk/queue/"
) -> tuple[Client, str]:
    """A client after the desk's password form, and where that sent it."""
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    response = client.post(
        "/desk/login/", {"username": username, "password": PASSWORD, "next": next_url},
        REMOTE_ADDR="127.0.0.31",
    )
    assert response.status_code == 302, response.content
    return client, response["Location"]
