"""E-mail through Django's mail backend (SMTP in production, the console by default).

Every message carries its stable `Message-ID` (so a re-send after a crash is the
same message to the recipient's client), `X-Memnun-Reference` with the thread
key, and `Auto-Submitted: auto-generated` with `X-Auto-Response-Suppress: All`
(RFC 3834): out-of-office robots do not answer it, so no mail loops.
"""

from __future__ import annotations

import contextlib
import smtplib
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils import timezone

from memnun.notifications.channels import (
    Accepted,
    DeliveryFailure,
    PermanentFailure,
    TemporaryFailure,
)
from memnun.notifications.models import OutboundMessage


def smtp_failure(exc: BaseException) -> DeliveryFailure:
    """Whether an SMTP error is worth retrying.

    5xx about the recipient or the message itself is permanent. 4xx, lost
    connections and timeouts are temporary, and so are errors about our own
    configuration (a refused sender, failed login, HELO): those are fixed by an
    operator, and the customer's message should wait for the fix, not die.
    """
    text = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        if codes and all(500 <= code < 600 for code in codes):
            return PermanentFailure(text)
        return TemporaryFailure(text)
    if isinstance(exc, smtplib.SMTPDataError) and 500 <= exc.smtp_code < 600:
        return PermanentFailure(text)
    return TemporaryFailure(text)


class EmailChannel:
    name = "email"

    def __init__(self) -> None:
        self._connection: Any = None

    def _open(self) -> Any:
        if self._connection is None:
            connection = get_connection(fail_silently=False)
            connection.open()
            self._connection = connection
        return self._connection

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                connection.close()

    def build(self, message: OutboundMessage) -> EmailMultiAlternatives:
        headers = {
            **{str(k): str(v) for k, v in (message.headers or {}).items()},
            "Message-ID": message.message_id,
            "Auto-Submitted": "auto-generated",
            "X-Auto-Response-Suppress": "All",
        }
        if message.thread_key:
            headers["X-Memnun-Reference"] = message.thread_key
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.recipient],
            reply_to=[message.reply_to] if message.reply_to else None,
            headers=headers,
        )
        if message.html:
            email.attach_alternative(message.html, "text/html")
        return email

    def send(self, message: OutboundMessage) -> Accepted:
        email = self.build(message)
        try:
            email.connection = self._open()
            sent = email.send(fail_silently=False)
        except (smtplib.SMTPException, OSError) as exc:
            # The connection may be half-closed (a 421 ends the session): start afresh.
            self.close()
            raise smtp_failure(exc) from exc
        if not sent:
            raise PermanentFailure("the mail backend sent nothing (no valid recipient)")
        return Accepted(at=timezone.now(), provider_message_id=message.message_id)
