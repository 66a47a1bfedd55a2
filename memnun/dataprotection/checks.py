"""K10: in production, personal data never leaves on a channel that exposes it.

Refused at start-up (system checks, like `feedback/checks.py`): the console e-mail
backend and the log SMS channel (they write messages, with names, addresses and
numbers, into the logs), an SMS provider reached over plain http, and SMTP without
TLS (`EMAIL_USE_TLS` or `EMAIL_USE_SSL`). Production is what settings.py calls it:
neither DEBUG nor the demo (MEMNUN_DEMO) nor the test suite (MEMNUN_TESTING).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error

CONSOLE_EMAIL_BACKENDS = frozenset({
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
})
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


def production() -> bool:
    return not (settings.DEBUG or settings.DEMO or settings.TESTING)


def transport_errors() -> list[CheckMessage]:
    """What would expose personal data in transit or in the logs, were this production."""
    errors: list[CheckMessage] = []
    backend = settings.EMAIL_BACKEND
    if backend in CONSOLE_EMAIL_BACKENDS:
        errors.append(Error(
            "E-mail would be written to the console or a file, not sent (set EMAIL_HOST).",
            hint="Set EMAIL_HOST (and EMAIL_USE_TLS=1 or EMAIL_USE_SSL=1) for production.",
            id="memnun.E101",
        ))
    elif backend == SMTP_BACKEND and not (settings.EMAIL_USE_TLS or settings.EMAIL_USE_SSL):
        errors.append(Error(
            "SMTP without TLS would send personal data in clear text.",
            hint="Set EMAIL_USE_TLS=1 (STARTTLS) or EMAIL_USE_SSL=1 (implicit TLS).",
            id="memnun.E102",
        ))
    sms_url = settings.MEMNUN_SMS_URL
    if not sms_url:
        errors.append(Error(
            "SMS would be written to the log, not sent (MEMNUN_SMS_URL is empty).",
            hint="Set MEMNUN_SMS_URL to the provider's https:// API.",
            id="memnun.E103",
        ))
    elif not sms_url.lower().startswith("https://"):
        errors.append(Error(
            "MEMNUN_SMS_URL is not https: SMS would go to the provider in clear text.",
            hint="Use the provider's https:// API address.",
            id="memnun.E104",
        ))
    return errors


def transport_check(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    return transport_errors() if production() else []


def destruction_interval_check(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """K9: the destruction job runs at least every six months (always, not only in
    production: a longer interval is never right)."""
    from memnun.dataprotection.retention_rules import MAX_INTERVAL_DAYS

    days = settings.MEMNUN_DESTRUCTION_EVERY_DAYS
    if days > MAX_INTERVAL_DAYS:
        return [Error(
            f"MEMNUN_DESTRUCTION_EVERY_DAYS is {days}: the destruction job must run at least "
            f"every six months ({MAX_INTERVAL_DAYS} days).",
            hint="Set MEMNUN_DESTRUCTION_EVERY_DAYS to 183 or less (the default is 30).",
            id="memnun.E105",
        )]
    return []
