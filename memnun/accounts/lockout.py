"""What a locked-out login gets: JSON for the API, the usual page elsewhere."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    message = _("Too many failed attempts. Try again in 15 minutes.")
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"error": "throttled", "detail": message, "fields": {}}, status=429
        )
    else:
        response = render(request, "lockout.html", {"message": message}, status=429)
    response["Retry-After"] = "900"
    return response
