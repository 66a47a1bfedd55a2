"""The security headers every response carries, built once from the settings.

Django's middlewares (SecurityMiddleware, XFrameOptionsMiddleware, django-csp's
CSPMiddleware) set them on what the views answer, with any per-view variation. Two
kinds of answer escape them, and get the same set from here:

- answers made outside those middlewares: the API guard's 400/413/415/422 and its
  rewritten 405, an exception raised by a middleware itself. `SecurityHeadersMiddleware`,
  the outermost, fills in whatever header a response lacks;
- gunicorn's own error pages (400, 414, 431 …), written before Django sees the request:
  `error_page` builds them, and `memnun.gunicorn_conf` has gunicorn use it.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponse

# Built once per process (every response asks), again when a setting changes (tests).
_built: dict[bool, Mapping[str, str]] = {}


def _settings_changed(**_: Any) -> None:
    _built.clear()


setting_changed.connect(_settings_changed, dispatch_uid="memnun.security_headers")


def security_headers(*, secure: bool) -> Mapping[str, str]:
    """Header → value for a response; HSTS only where the response goes over HTTPS."""
    built = _built.get(secure)
    if built is None:
        built = _built[secure] = MappingProxyType(_build(secure=secure))
    return built


def _build(*, secure: bool) -> dict[str, str]:
    headers = {
        "Content-Security-Policy": build_policy(),
        "X-Frame-Options": settings.X_FRAME_OPTIONS,
        "Referrer-Policy": settings.SECURE_REFERRER_POLICY,
        "Cross-Origin-Opener-Policy": settings.SECURE_CROSS_ORIGIN_OPENER_POLICY,
        # Pages hold personal data: no browser or proxy keeps a copy, unless the response
        # says otherwise itself (static files: WhiteNoise sets their caching).
        "Cache-Control": "no-store",
    }
    if settings.SECURE_CONTENT_TYPE_NOSNIFF:
        headers["X-Content-Type-Options"] = "nosniff"
    if secure and settings.SECURE_HSTS_SECONDS:
        hsts = f"max-age={settings.SECURE_HSTS_SECONDS}"
        if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
            hsts += "; includeSubDomains"
        headers["Strict-Transport-Security"] = hsts
    return {name: value for name, value in headers.items() if value}


class SecurityHeadersMiddleware:
    """Outermost: no response leaves without the security headers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        for name, value in security_headers(secure=request.is_secure()).items():
            if name not in response:
                response[name] = value
        return response


def error_page(*, status: int, reason: str, headers: Mapping[str, str]) -> bytes:
    """A whole HTTP/1.1 error answer, as the web server writes it before any application
    ran: a short page that echoes nothing of the request, with the security headers."""
    title = f"{status} {html.escape(reason)}"
    body = (
        f"<!doctype html>\n<html><head><title>{title}</title></head>"
        f"<body><h1>{title}</h1></body></html>\n"
    ).encode()
    lines = [
        f"HTTP/1.1 {status} {reason}",
        "Connection: close",
        "Content-Type: text/html; charset=utf-8",
        f"Content-Length: {len(body)}",
        *(f"{name}: {value}" for name, value in headers.items()),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
