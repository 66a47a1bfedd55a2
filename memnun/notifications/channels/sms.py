"""SMS through a provider's HTTP API, or the log for development.

The HTTP API (`MEMNUN_SMS_URL`) gets a JSON POST
`{"from", "to", "text", "reference"}` with `Authorization: Bearer <MEMNUN_SMS_TOKEN>`
and an `Idempotency-Key` that is the same on every attempt of a message, and
answers 2xx with `{"id": "<provider's message id>"}`. 429 and 5xx (and no answer)
are temporary, honouring `Retry-After`; any other 4xx is permanent.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request

from django.utils import timezone

from memnun.notifications.channels import (
    TEMPORARY_HTTP,
    Accepted,
    PermanentFailure,
    TemporaryFailure,
    retry_after_seconds,
)
from memnun.notifications.models import OutboundMessage

logger = logging.getLogger("memnun.notifications.sms")



def delivery_key(message: OutboundMessage) -> str:
    """The provider-facing idempotency key: the opaque part of the Message-ID."""
    return message.message_id.strip("<>").partition("@")[0]


class HttpSmsChannel:
    name = "sms"

    def __init__(self, *, url: str, token: str, sender: str, timeout: float) -> None:
        if not url.startswith(("https://", "http://")):
            raise ValueError("MEMNUN_SMS_URL must be an http(s) URL")
        self.url, self.token, self.sender, self.timeout = url, token, sender, timeout

    def close(self) -> None:
        pass

    def send(self, message: OutboundMessage) -> Accepted:
        body = json.dumps(
            {
                "from": self.sender,
                "to": message.recipient,
                "text": message.text,
                "reference": message.thread_key,
            },
            ensure_ascii=False,
        ).encode()
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked in __init__
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Accept": "application/json",
                "Authorization": f"Bearer {self.token}",
                "Idempotency-Key": delivery_key(message),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                raw = response.read()
        except urllib.error.HTTPError as exc:
            reason = f"HTTP {exc.code}: {exc.read()[:300].decode('utf-8', 'replace')}"
            if exc.code >= 500 or exc.code in TEMPORARY_HTTP:
                wait = retry_after_seconds(exc.headers)
                raise TemporaryFailure(reason, retry_after=wait) from exc
            raise PermanentFailure(reason) from exc
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            raise TemporaryFailure(f"{type(exc).__name__}: {exc}") from exc
        try:
            provider_id = str(json.loads(raw or b"{}").get("id", ""))
        except (ValueError, AttributeError):
            provider_id = ""
        return Accepted(at=timezone.now(), provider_message_id=provider_id[:255])


class ConsoleSmsChannel:
    """Development: the SMS goes to the log instead of a phone."""

    name = "sms"

    def close(self) -> None:
        pass

    def send(self, message: OutboundMessage) -> Accepted:
        logger.info(
            "SMS to %s (key %s):\n%s", message.recipient, delivery_key(message), message.text
        )
        return Accepted(at=timezone.now(), provider_message_id=f"console:{delivery_key(message)}")
