"""Which fields of an outbound message are which kind of personal data."""

from __future__ import annotations

from typing import Any

from memnun.personaldata.fields import FieldKind, PersonalField

P = PersonalField

# A message's recipient is an e-mail address, a mobile number or a postal addressee.
_RECIPIENT_BY_CHANNEL: dict[str, PersonalField] = {
    "email": P.EMAIL,
    "sms": P.PHONE,
    "letter": P.ADDRESS,
}


def recipient_kind(channel: str) -> PersonalField:
    # An unknown channel: the most covering look (every word masked).
    return _RECIPIENT_BY_CHANNEL.get(channel, P.ADDRESS)


def _message_recipient(message: Any) -> PersonalField:
    return recipient_kind(message.channel)


# OutboundMessage: the texts speak to the person about their case; the extra
# headers may carry their address.
OUTBOUND_FIELDS: dict[str, FieldKind] = {
    "recipient": _message_recipient,
    "text": P.FREE_TEXT,
    "html": P.FREE_TEXT,
    "headers": P.FREE_TEXT,
}


def error_with_recipient(*, error: str, recipient: str, shown: str) -> str:
    """A delivery error as shown beside the recipient: mail servers quote the address."""
    return error.replace(recipient, shown) if recipient else error
