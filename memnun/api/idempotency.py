"""Idempotency-Key: a retried request gets the first response, nothing is made twice.

The first response is stored whole for the retry window (`retention_rules.RETRY_WINDOW`,
24 hours); after it, the stored response keeps no tracking code (a retry still gets the
reference, never a second case), and the row itself goes when its retention period ends
(category `idempotency` of the retention schedule, K9). `idempotency_prune` does both,
hourly and in every destruction run.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from memnun.api.errors import error_response
from memnun.api.models import IdempotentRequest
from memnun.dataprotection.retention_rules import RETRY_WINDOW

MAX_KEY_LENGTH = 200
# What a stored tracking code becomes after the retry window (as the outbox masks it).
CODE_MASK = "••••"
CODE_FIELD = "tracking_code"


def _code_readable(response: Any) -> bool:
    return isinstance(response, dict) and response.get(CODE_FIELD) not in (None, CODE_MASK)


def _code_masked(response: dict[str, Any]) -> dict[str, Any]:
    return {**response, CODE_FIELD: CODE_MASK}


def _replay(row: IdempotentRequest, body_hash: str) -> JsonResponse:
    if row.request_hash != body_hash:
        return error_response(
            422,
            _("This Idempotency-Key was already used with a different request."),
            code="idempotency_key_reused",
            fields={"Idempotency-Key": [_("Use a new key for a different request.")]},
        )
    body = row.response
    if _code_readable(body) and row.created_at <= timezone.now() - RETRY_WINDOW:
        body = _code_masked(body)  # the hourly prune has not come by yet
    response = JsonResponse(body, status=row.status_code)
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


def idempotency_prune(*, before: datetime, now: datetime, dry_run: bool = False) -> dict[str, int]:
    """Blank the tracking code of every stored response older than the retry window, and
    delete the rows stored at or before `before`; return the counts (`tracking_code`,
    `idempotency`). With `dry_run`, only count."""
    old = IdempotentRequest.objects.filter(created_at__lte=before)
    masked = 0
    with transaction.atomic():
        stale = (
            IdempotentRequest.objects.filter(
                created_at__lte=now - RETRY_WINDOW, created_at__gt=before,
                response__has_key=CODE_FIELD,
            )
            .exclude(response__tracking_code=CODE_MASK)
            .select_for_update()
        )
        for row in stale.iterator():
            if not _code_readable(row.response):
                continue
            masked += 1
            if not dry_run:
                row.response = _code_masked(row.response)
                row.save(update_fields=["response"])
        deleted = old.count() if dry_run else old.delete()[0]
    return {"tracking_code": masked, "idempotency": deleted}
