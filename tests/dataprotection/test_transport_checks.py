"""K10: in production, start-up refuses channels that would expose personal data: the
console (or file) e-mail backend, SMS written to the log, SMS over plain http, and SMTP
without TLS. Development, the demo and the tests may use them."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.checks import run_checks
from django.test import override_settings

SMTP = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE = "django.core.mail.backends.console.EmailBackend"
PRODUCTION = {"DEBUG": False, "DEMO": False, "TESTING": False}
SAFE = {"EMAIL_BACKEND": SMTP, "EMAIL_USE_TLS": True, "EMAIL_USE_SSL": False,
        "MEMNUN_SMS_URL": "https://sms.example/api/send"}


def _ids(**settings: Any) -> set[str]:
    with override_settings(**settings):
        return {m.id for m in run_checks() if m.id and m.id.startswith("memnun.E1")}


def test_k10_a_safe_production_configuration_starts() -> None:
    assert _ids(**PRODUCTION, **SAFE) == set()
    assert _ids(**PRODUCTION, **SAFE | {"EMAIL_USE_TLS": False, "EMAIL_USE_SSL": True}) == set()


@pytest.mark.parametrize(("change", "refused"), [
    ({"EMAIL_BACKEND": CONSOLE}, "memnun.E101"),
    ({"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend"}, "memnun.E101"),
    ({"EMAIL_USE_TLS": False}, "memnun.E102"),
    ({"MEMNUN_SMS_URL": ""}, "memnun.E103"),
    ({"MEMNUN_SMS_URL": "http://sms.example/api/send"}, "memnun.E104"),
], ids=["console e-mail", "file e-mail", "smtp without tls", "sms to the log", "sms over http"])
def test_k10_production_refuses_what_exposes_personal_data(
    change: dict[str, Any], refused: str,
) -> None:
    assert _ids(**PRODUCTION, **SAFE | change) == {refused}


@pytest.mark.parametrize("mode", ["DEBUG", "DEMO", "TESTING"])
def test_k10_development_demo_and_tests_may_use_the_console(mode: str) -> None:
    unsafe = {"EMAIL_BACKEND": CONSOLE, "MEMNUN_SMS_URL": ""}
    assert _ids(**PRODUCTION | {mode: True}, **unsafe) == set()
