"""Idempotency-Key: a retried request gets the first response, nothing is made twice."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _

from memnun.api.errors import error_response
from memnun.api.models import IdempotentRequest

MAX_KEY_LENGTH = 200


def _replay(row: IdempotentRequest, body_hash: str) -> JsonResponse:
    if row.request_hash != body_hash:
        return error_response(
            422,
            _("This Idempotency-Key was already used with a different request."),
            code="idempotency_key_reused",
            fields={"Idempotency-Key": [_("Use a new key for a different request.")]},
        )
    response = JsonResponse(row.response, status=row.status_code)
    response["Idempotent-Replayed"] = "true"
    return response


def run_idempotent(
    request: HttpRequest, *, scope: str, create: Callable[[], tuple[int, dict[str, Any]]]
) -> JsonResponse | tuple[int, dict[str, Any]]:
    """Run `create` once per (scope, key); without a key, just run it."""
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        return create()
    if len(key) > MAX_KEY_LENGTH:
        return error_response(
            422,
            _("The Idempotency-Key header is too long."),
            fields={
                "Idempotency-Key": [
                    _("At most %(count)s characters.") % {"count": MAX_KEY_LENGTH}
                ]
            },
        )
    body_hash = hashlib.sha256(request.body).hexdigest()
    existing = IdempotentRequest.objects.filter(scope=scope, key=key).first()
    if existing is not None:
        return _replay(existing, body_hash)
    try:
        with transaction.atomic():
            status, body = create()
            IdempotentRequest.objects.create(
                scope=scope, key=key, request_hash=body_hash, status_code=status,
                # Encoded as the API encodes it, so that a replay is byte-for-byte the same.
                response=json.loads(json.dumps(body, cls=DjangoJSONEncoder)),
            )
    except IntegrityError:
        # A concurrent retry with the same key won: its work stands, ours was rolled back.
        return _replay(IdempotentRequest.objects.get(scope=scope, key=key), body_hash)
    return status, body
