"""503 instead of 500 while the database cannot be reached (Django's `handler500`).

When PostgreSQL restarts, or the pool waits `MEMNUN_DB_POOL_TIMEOUT` seconds for a
connection in vain, the request fails with an `OperationalError` (SQLite: a lock held
past its timeout). That is the service being briefly unavailable, not a bug: the client
is told so, and when to try again, in the API's error format
(`{"error": "unavailable", "detail", "fields"}`) or on a plain page. Every other
uncaught exception stays Django's 500.

The page is built without templates or the session: both may need the database.
"""

from __future__ import annotations

import html
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.defaults import server_error

RETRY_AFTER_SECONDS = 5


def database_unreachable(exc: BaseException | None) -> bool:
    """True for the errors of a database that is down, restarting or locked, not of a query."""
    return isinstance(exc, (OperationalError, InterfaceError))


def unavailable_response(request: HttpRequest) -> HttpResponse:
    detail = _("The service is briefly unavailable. Please try again in a few seconds.")
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if request.path.startswith("/api/"):
        body = {"error": "unavailable", "detail": detail, "fields": {}}
        response: HttpResponse = JsonResponse(
            body, status=503, json_dumps_params={"ensure_ascii": False}
        )
    else:
        title = html.escape(_("Service unavailable"))
        page = (
            f'<!doctype html><html lang="{html.escape(get_language() or "tr")}"><head>'
            f'<meta charset="utf-8"><meta name="viewport" content="width=device-width, '
            f'initial-scale=1"><title>{title}</title></head><body><main>'
            f"<h1>{title}</h1><p>{html.escape(detail)}</p></main></body></html>"
        )
        response = HttpResponse(page, status=503, content_type="text/html; charset=utf-8")
    for name, value in headers.items():
        response[name] = value
    return response


def server_error_or_unavailable(request: HttpRequest) -> HttpResponse:
    """`handler500`: called inside Django's exception handling, so the error is at hand."""
    if database_unreachable(sys.exc_info()[1]):
        return unavailable_response(request)
    return server_error(request)
