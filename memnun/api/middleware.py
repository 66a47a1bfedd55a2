"""Guard the API's door: oversize and non-JSON bodies are refused before anything reads them."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _

from memnun.api.errors import error_response

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class ApiRequestGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        # This runs before LocaleMiddleware: its refusals speak the client's language itself.
        with translation.override(translation.get_language_from_request(request)):
            return self._guarded(request)

    def _guarded(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return error_response(400, _("Content-Length is not a number."))
        if length > settings.API_MAX_BODY_BYTES:
            # Refused before it is read: nothing is saved.
            return error_response(
                413,
                _("The request body is larger than %(limit)s bytes.")
                % {"limit": settings.API_MAX_BODY_BYTES},
                fields={"body": [_(
                    "Nothing was saved: send at most %(limit)s MB in one request, files"
                    " included (base64 makes them a third larger)."
                ) % {"limit": settings.API_MAX_BODY_BYTES // (1024 * 1024)}]},
            )
        content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
        if request.method in _BODY_METHODS and length and content_type != "application/json":
            return error_response(415, _("Send the request body as application/json."))
        if request.method in _BODY_METHODS and length and (
            b"\\u0000" in request.body or b"\x00" in request.body
        ):
            # No text we store may hold a NUL character (PostgreSQL refuses it).
            return error_response(
                422, _("Text may not contain NUL characters."),
                fields={"body": [_("Remove the NUL (\\u0000) characters.")]},
            )
        response = self.get_response(request)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            # The router answers a wrong method in plain text; keep the error shape.
            return error_response(
                405, _("This method is not allowed here."), headers={"Allow": response["Allow"]}
            )
        return response
