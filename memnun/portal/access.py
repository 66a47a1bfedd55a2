"""Which cases this browser session has opened with a reference and code (or a signed link)."""

from __future__ import annotations

from django.http import HttpRequest

_KEY = "memnun_tracking"
_MAX = 20


def access_grant(request: HttpRequest, reference: str) -> None:
    opened: list[str] = [r for r in request.session.get(_KEY, []) if r != reference]
    request.session[_KEY] = [reference, *opened][:_MAX]


def access_has(request: HttpRequest, reference: str) -> bool:
    return reference in request.session.get(_KEY, [])
