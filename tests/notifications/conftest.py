"""Fixtures for the notifications tests: an SMTP sink and a fake SMS provider on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from tests import mailtools


@pytest.fixture
def sink() -> Iterator[mailtools.SmtpSink]:
    """A real SMTP server on loopback, with Django's SMTP backend pointed at it."""
    with mailtools.smtp_sink() as server, override_settings(**mailtools.smtp_settings(server.port)):
        yield server


@pytest.fixture
def sms() -> Iterator[mailtools.SmsProvider]:
    with mailtools.sms_provider() as provider, override_settings(
        MEMNUN_SMS_URL=provider.url, MEMNUN_SMS_TOKEN="sms-token", MEMNUN_SMS_SENDER="MEMNUN"
    ):
        yield provider


@dataclass
class FakeClock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> FakeClock:
    # A second ahead, so that what a test queues next is already due by this clock.
    return FakeClock(timezone.now() + timedelta(seconds=1))
