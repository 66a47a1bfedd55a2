"""Every API error is `{"error", "detail", "fields"}` (api-v1.md)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from pydantic import BaseModel

from memnun.feedback.errors import Conflict, FieldErrors, NotFound, NotPermitted

_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "throttled",
}


class ErrorOut(BaseModel):
    error: str
    detail: str
    fields: dict[str, list[str]] = {}


def error_response(
    status: int,
    detail: str,
    *,
    code: str | None = None,
    fields: dict[str, list[str]] | None = None,
    headers: dict[str, str] | None = None,
) -> JsonResponse:
    body = {"error": code or _CODES.get(status, "error"), "detail": detail, "fields": fields or {}}
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _field_name(loc: list[Any]) -> str:
    # Drop the parameter source ("body", "query", the body parameter's name).
    parts = [str(p) for p in loc]
    while parts and parts[0] in ("body", "query", "path", "header", "payload", "data"):
        parts = parts[1:]
    return ".".join(parts) or "body"


def _validation(request: HttpRequest, exc: Any) -> HttpResponse:
    assert isinstance(exc, ValidationError)
    fields: dict[str, list[str]] = {}
    for err in exc.errors:
        message = str(err.get("msg", "Invalid value."))
        fields.setdefault(_field_name(list(err.get("loc", []))), []).append(message)
    return error_response(422, _("Some fields are not valid."), fields=fields)


def _http(request: HttpRequest, exc: Any) -> HttpResponse:
    assert isinstance(exc, HttpError)
    status = exc.status_code
    detail = str(exc)
    if status == 400 and detail.startswith("Cannot parse request body"):
        return error_response(400, _("The request body is not valid JSON."), code="malformed_json")
    return error_response(status, detail)


def install_error_handlers(api: NinjaAPI) -> None:
    api.add_exception_handler(ValidationError, _validation)
    api.add_exception_handler(HttpError, _http)
    api.add_exception_handler(
        AuthenticationError,
        lambda r, e: error_response(
            401, str(e) if str(e) != "Unauthorized" else _("A valid staff token is required.")
        ),
    )
    api.add_exception_handler(
        FieldErrors, lambda r, e: error_response(422, e.detail, fields=e.fields)
    )
    api.add_exception_handler(NotPermitted, lambda r, e: error_response(403, e.detail))
    api.add_exception_handler(NotFound, lambda r, e: error_response(404, e.detail))
    api.add_exception_handler(
        Conflict, lambda r, e: error_response(409, e.detail, fields=e.fields)
    )
