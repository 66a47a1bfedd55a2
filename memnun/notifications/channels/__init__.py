"""The channels a message can leave by, behind one small interface.

A channel sends one message and either returns `Accepted` (the provider took it:
that instant is the message's `sent_at`) or raises `TemporaryFailure` (try again
later: SMTP 4xx, connection errors, HTTP 5xx/429) or `PermanentFailure` (never
again: SMTP 5xx for this recipient or message, HTTP 4xx). Anything else a
channel raises is treated as temporary, with the error kept.

Channels are opened once per drain (`open`) so that a burst shares one SMTP
connection, and closed at its end (`close`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from django.conf import settings

if TYPE_CHECKING:
    from memnun.notifications.models import OutboundMessage


@dataclass(frozen=True)
class Accepted:
    at: datetime
    provider_message_id: str = ""


class DeliveryFailure(Exception):
    def __init__(self, reason: str, *, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class TemporaryFailure(DeliveryFailure):
    """Try again later (the backoff, or the provider's Retry-After)."""


class PermanentFailure(DeliveryFailure):
    """This message will never be accepted: it goes to the dead letters."""


# HTTP answers worth another attempt besides 5xx (timeout, too early, too many requests).
TEMPORARY_HTTP = frozenset({408, 425, 429})


def retry_after_seconds(headers: Any) -> float | None:
    """An HTTP answer's Retry-After in seconds (the delta form), None without a usable one."""
    raw = headers.get("Retry-After") if headers is not None else None
    try:
        return max(float(raw), 0.0) if raw is not None else None
    except ValueError:
        return None


class Channel(Protocol):
    name: str

    def send(self, message: OutboundMessage) -> Accepted: ...

    def close(self) -> None: ...


# Channels a higher floor provides (memnun.webhooks), registered from its AppConfig.ready:
# notifications delivers their messages without importing them.
_REGISTERED: dict[str, Callable[[], Channel]] = {}


def channel_register(name: str, factory: Callable[[], Channel]) -> None:
    _REGISTERED[name] = factory


def channel_open(name: str) -> Channel:
    """The configured channel for `name` (settings are read now, so tests can override them)."""
    from memnun.notifications.channels import email, letter, sms

    if name in _REGISTERED:
        return _REGISTERED[name]()
    if name == "email":
        return email.EmailChannel()
    if name == "sms":
        if settings.MEMNUN_SMS_URL:
            return sms.HttpSmsChannel(
                url=settings.MEMNUN_SMS_URL,
                token=settings.MEMNUN_SMS_TOKEN,
                sender=settings.MEMNUN_SMS_SENDER,
                timeout=settings.MEMNUN_SMS_TIMEOUT,
            )
        return sms.ConsoleSmsChannel()
    if name == "letter":
        return letter.LetterChannel()
    raise ValueError(f"unknown channel {name!r}")


class ChannelPool:
    """One open channel per name for the length of a drain."""

    def __init__(self) -> None:
        self._open: dict[str, Channel] = {}

    def get(self, name: str) -> Channel:
        if name not in self._open:
            self._open[name] = channel_open(name)
        return self._open[name]

    def close(self) -> None:
        for channel in self._open.values():
            with contextlib.suppress(Exception):  # closing a broken connection may fail too
                channel.close()
        self._open.clear()

    def __enter__(self) -> ChannelPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
