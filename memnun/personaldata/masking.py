"""How each kind of personal data looks masked: one look per kind, everywhere.

- a name or an address: each word's first letter, the rest stars ("I*** Ö*****");
- an e-mail: the local part and the host masked that way, the top-level domain
  kept ("i***@e******.com");
- a phone number and an IMEI: all but the last 2 digits starred, a leading "+"
  kept ("+***********67");
- a device serial and a repair order: all but the last 3 characters starred;
- a free text: not shown at all, only how long it is.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import ngettext

from memnun.personaldata.fields import PersonalField


def _mask_word(word: str) -> str:
    # At least two stars, so that a short word does not give away its length.
    return word[:1] + "*" * max(len(word) - 1, 2) if word else ""


def mask_words(value: str) -> str:
    return " ".join(_mask_word(w) for w in value.split())


def mask_email(email: str) -> str:
    if "@" not in email:
        return _mask_word(email)
    local, _, domain = email.partition("@")
    host, dot, tld = domain.rpartition(".")
    if not dot:
        return f"{_mask_word(local)}@{_mask_word(domain)}"
    return f"{_mask_word(local)}@{_mask_word(host)}.{tld}"


def mask_tail(value: str, *, keep: int) -> str:
    """All but the last `keep` characters starred (a leading "+" kept)."""
    if len(value) <= keep:
        return "*" * len(value)
    head = "+" if value.startswith("+") else ""
    body = value[len(head) :]
    return head + "*" * (len(body) - keep) + body[-keep:]


def hide_text(text: str) -> str:
    if not text:
        return ""
    return ngettext(
        "[hidden: %(count)d character]", "[hidden: %(count)d characters]", len(text)
    ) % {"count": len(text)}


_LOOKS: dict[PersonalField, Callable[[str], str]] = {
    PersonalField.NAME: mask_words,
    PersonalField.ADDRESS: mask_words,
    PersonalField.EMAIL: mask_email,
    PersonalField.PHONE: lambda v: mask_tail(v, keep=2),
    PersonalField.IMEI: lambda v: mask_tail(v, keep=2),
    PersonalField.SERIAL: lambda v: mask_tail(v, keep=3),
    PersonalField.REPAIR_ORDER: lambda v: mask_tail(v, keep=3),
    PersonalField.FREE_TEXT: hide_text,
}


def mask(*, value: str, field: PersonalField) -> str:
    """The value as its kind looks masked ("" stays "")."""
    return _LOOKS[field](value) if value else ""
