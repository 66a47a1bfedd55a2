"""Masked forms of personal data, for lists and for roles that do not need it."""

from __future__ import annotations


def _mask_word(word: str) -> str:
    return word[:1] + "*" * max(len(word) - 1, 2) if word else ""


def mask_name(name: str) -> str:
    return " ".join(_mask_word(w) for w in name.split())


def mask_email(email: str) -> str:
    if "@" not in email:
        return _mask_word(email)
    local, _, domain = email.partition("@")
    host, dot, tld = domain.rpartition(".")
    if not dot:
        return f"{_mask_word(local)}@{_mask_word(domain)}"
    return f"{_mask_word(local)}@{_mask_word(host)}.{tld}"


def mask_tail(value: str, keep: int = 2) -> str:
    """Hide all but the last digits (phone numbers, IMEI)."""
    if len(value) <= keep:
        return "*" * len(value)
    head = "+" if value.startswith("+") else ""
    body = value[len(head) :]
    return head + "*" * (len(body) - keep) + body[-keep:]
