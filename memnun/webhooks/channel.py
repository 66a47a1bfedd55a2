"""The `webhook` channel of the outbox: one signed JSON POST per message.

2xx is delivered. 408, 425, 429, 5xx and no answer are temporary (the outbox retries
with its backoff, honouring Retry-After); another answer (4xx, a redirect: never
followed, the signed body must not travel elsewhere) is permanent. Every attempt is
logged and counted (`services.delivery_log`); the attempt that disables the
subscription, and any for a disabled one, are permanent failures.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from typing import Any, NoReturn

from django.conf import settings
from django.utils import timezone

from memnun.notifications.channels import (
    TEMPORARY_HTTP,
    Accepted,
    PermanentFailure,
    TemporaryFailure,
    retry_after_seconds,
)
from memnun.notifications.channels.sms import delivery_key
from memnun.notifications.models import OutboundMessage
from memnun.webhooks.models import WebhookSubscription
from memnun.webhooks.services import body_to_send, delivery_log, url_refusal
from memnun.webhooks.signing import HEADER, signature


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class WebhookChannel:
    name = "webhook"

    def __init__(self) -> None:
        self._opener = urllib.request.build_opener(_NoRedirect)

    def close(self) -> None:
        pass

    def send(self, message: OutboundMessage) -> Accepted:
        subscription = WebhookSubscription.objects.filter(pk=message.source_id or 0).first()
        if subscription is None or not subscription.active:
            raise PermanentFailure("the subscription is disabled or deleted")
        if url_refusal(subscription.url):
            raise PermanentFailure("the subscription's URL is not allowed")
        text = body_to_send(message.text)
        body = text.encode()
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
            subscription.url, data=body, method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": "memnun-webhooks",
                HEADER: signature(secret=subscription.secret, timestamp=int(time.time()),
                                  body=text),
                "Memnun-Event": message.kind,
                # The same on every attempt of this message.
                "Idempotency-Key": delivery_key(message),
            },
        )
        try:
            with self._opener.open(request, timeout=settings.MEMNUN_WEBHOOK_TIMEOUT) as response:
                status = int(response.status)
                answer = response.read(2000).decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            answer = exc.read(2000).decode("utf-8", "replace")
            temporary = exc.code >= 500 or exc.code in TEMPORARY_HTTP
            self._failed(subscription, message, exc.code, answer, f"HTTP {exc.code}",
                         temporary=temporary, retry_after=retry_after_seconds(exc.headers))
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            self._failed(subscription, message, None, "", f"{type(exc).__name__}: {exc}",
                         temporary=True, retry_after=None)
        delivery_log(subscription=subscription, message=message, status_code=status,
                     response=answer, error="", delivered=True)
        return Accepted(at=timezone.now(), provider_message_id=f"HTTP {status}")

    def _failed(self, subscription: WebhookSubscription, message: OutboundMessage,
                status: int | None, answer: str, error: str, *, temporary: bool,
                retry_after: float | None) -> NoReturn:
        disabled = delivery_log(subscription=subscription, message=message, status_code=status,
                                response=answer, error=error, delivered=False)
        if disabled:
            raise PermanentFailure(f"{error}; the subscription is now disabled")
        if temporary:
            raise TemporaryFailure(error, retry_after=retry_after)
        raise PermanentFailure(error)
