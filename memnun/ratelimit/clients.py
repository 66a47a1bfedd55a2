"""Who is asking: the client identity that every per-client limit counts against."""

from __future__ import annotations

from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The connecting address, as the WSGI server saw it.

    Never a forwarded-for header: a client can write any value there, and would
    then choose its own key and escape every limit.
    """
    return str(request.META.get("REMOTE_ADDR") or "unknown")
