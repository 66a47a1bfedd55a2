"""Repeated failed sign-ins lock out alike whether the user exists or not (desk and API).

Issue 13 item 5: the lockout must not tell an attacker which usernames are real — not by
the status, not by the text, not (roughly) by the time an answer takes. Each run below
compares a real staff user with a name nobody has, from two addresses, attempt by attempt.
"""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client, override_settings

from memnun.accounts.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

REAL = "agent"
UNKNOWN = "agentx"  # as long as the real name: the echoed form field weighs the same
ARGON2_FIRST = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]


def _desk(username: str, password: str, address: str) -> tuple[int, str, str | None, float]:
    client = Client(REMOTE_ADDR=address)
    client.get("/desk/login/")
    started = time.perf_counter()
    response = client.post("/desk/login/", {"username": username, "password": password})
    elapsed = time.perf_counter() - started
    body = response.content.decode()
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
    body = body.replace(f'value="{username}"', 'value="NAME"')
    return response.status_code, body, response.get("Retry-After"), elapsed


def _api(username: str, password: str, address: str) -> tuple[int, str, str | None, float]:
    started = time.perf_counter()
    response = Client(REMOTE_ADDR=address).post(
        "/api/v1/auth/token", {"username": username, "password": password},
        content_type="application/json",
    )
    elapsed = time.perf_counter() - started
    return response.status_code, response.content.decode(), response.get("Retry-After"), elapsed


DOORS: dict[str, Callable[[str, str, str], tuple[int, str, str | None, float]]] = {
    "desk": _desk, "api": _api,
}


def _attempts(door: str, username: str, address: str) -> list[tuple[int, str, str | None, float]]:
    ask = DOORS[door]
    answers = [ask(username, "wrong password", address)
               for _ in range(settings.AXES_FAILURE_LIMIT + 1)]
    # Then the right password (for the real user) while locked.
    answers.append(ask(username, PASSWORD, address))
    return answers


@pytest.mark.parametrize("door", list(DOORS))
def test_lockout_answers_the_same_for_real_and_unknown_users(demo: None, door: str) -> None:
    real = _attempts(door, REAL, "192.0.2.10")
    unknown = _attempts(door, UNKNOWN, "192.0.2.20")
    assert [a[:3] for a in real] == [a[:3] for a in unknown]
    statuses = [a[0] for a in real]
    wrong = 200 if door == "desk" else 401  # the desk shows its form again
    limit = settings.AXES_FAILURE_LIMIT
    # The failure that reaches the limit is already answered as locked; so is the right
    # password while locked.
    assert statuses == [wrong] * (limit - 1) + [429] * 3
    assert real[-1][2] == "900"
    locked_text = real[-1][1]
    assert "15" in locked_text  # says when to come back
    # The lock is per name and address: the real user elsewhere still signs in.
    assert DOORS[door](REAL, PASSWORD, "192.0.2.30")[0] in (200, 302)


@pytest.mark.parametrize("door", list(DOORS))
@override_settings(PASSWORD_HASHERS=ARGON2_FIRST)
def test_a_wrong_password_takes_as_long_for_real_and_unknown_users(
    demo: None, door: str
) -> None:
    """With the production hasher (Argon2): an unknown name is hashed as a real one is
    checked, so the time of a miss does not tell whether the name exists."""
    user = User.objects.get(username=REAL)
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    assert user.password.startswith("argon2")
    ask = DOORS[door]
    times: dict[str, list[float]] = {REAL: [], UNKNOWN: []}
    for i in range(settings.AXES_FAILURE_LIMIT - 1):  # stay under the lock: full checks
        for name in (REAL, UNKNOWN):  # interleaved, so that load affects both alike
            status, *_, elapsed = ask(name, "wrong password", f"192.0.2.{40 + i}")
            assert status in (200, 401)
            times[name].append(elapsed)
    real, unknown = statistics.median(times[REAL]), statistics.median(times[UNKNOWN])
    assert min(real, unknown) > 0.005, times  # a hash was computed on both paths
    assert max(real, unknown) / min(real, unknown) < 2, times


def _locked_for_both(door: str) -> tuple[Any, Any]:
    real = _attempts(door, REAL, "192.0.2.50")[-1]
    unknown = _attempts(door, UNKNOWN, "192.0.2.60")[-1]
    return real, unknown


@pytest.mark.parametrize("door", list(DOORS))
def test_locked_answers_carry_no_hint_of_the_account(demo: None, door: str) -> None:
    real, unknown = _locked_for_both(door)
    assert real[:3] == unknown[:3]
    for text in (real[1], unknown[1]):
        assert REAL not in text.replace('value="NAME"', "")
