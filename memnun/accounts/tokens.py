"""API bearer tokens: issued after password (and OTP) checks, stored hashed."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from memnun.accounts.models import ApiToken, User, secret_digest
from memnun.audit.chain import audit_record
from memnun.compiledsql import CompiledQuery
from memnun.configcache import config_instance


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: datetime


def token_issue(*, user: User) -> IssuedToken:
    raw = secrets.token_urlsafe(32)
    expires_at = timezone.now() + timedelta(hours=settings.API_TOKEN_HOURS)
    ApiToken.objects.create(user=user, key_hash=secret_digest(raw), expires_at=expires_at)
    return IssuedToken(token=raw, expires_at=expires_at)


def _live(*, now: datetime) -> QuerySet[ApiToken]:
    """The tokens that still work at `now`: the one home of that rule."""
    return ApiToken.objects.filter(expires_at__gt=now)


# The token check reads the token, its user and the user's office, every column, on every
# request: a revoked or expired token, a deactivated user, a changed role or office
# answer the very next request, in every process. What it saves is the ORM's work: the
# query is compiled once per process (`_CHECK`), and the user is built from the rows once
# and kept (`_known`) for as long as the rows read back the same (issue 14).
_KNOWN_MAX = 512  # tokens whose user this process keeps; all forgotten when full


def _check_columns() -> list[str]:
    office = User._meta.get_field("office").related_model
    assert office is not None and not isinstance(office, str)
    return [
        "pk",
        *(f"user__{field.name}" for field in User._meta.concrete_fields),
        *(f"user__office__{field.name}" for field in office._meta.concrete_fields),
    ]


def _check(digest: str, now: datetime) -> QuerySet[ApiToken, tuple[Any, ...]]:
    """The live token with this digest, with every column of its user and office."""
    return _live(now=now).filter(key_hash=digest).values_list(*_check_columns())


_CHECK = CompiledQuery(_check, str, datetime)
_known: dict[str, tuple[tuple[Any, ...], User]] = {}


def token_user(*, raw: str) -> User | None:
    """The active user a token belongs to, or None when unknown or expired.

    One query without the ORM's compiling; the user is built anew only when its rows
    (or the token's) changed since this process last built it. A copy is returned each
    time, so that nothing a request sets on it reaches another request.
    """
    if not raw or len(raw) > 200:
        return None
    digest = secret_digest(raw)
    now = timezone.now()
    row = _CHECK.fetchone(digest, now)
    if row is None:
        _known.pop(digest, None)
        return None
    known = _known.get(digest)
    if known is None or known[0] != row:
        token = _live(now=now).select_related("user", "user__office").filter(
            key_hash=digest
        ).first()
        if token is None or not token.user.is_active:
            _known.pop(digest, None)
            return None
        if len(_known) >= _KNOWN_MAX:
            _known.clear()
        # The rows as read before the user was built: had they changed in between, the
        # next request reads them differently and builds the user again.
        known = _known[digest] = (row, token.user)
    return config_instance(known[1])


def tokens_active(*, owner: User | None) -> QuerySet[ApiToken]:
    """Unexpired tokens, newest first: one owner's, or everyone's (owner None)."""
    rows = _live(now=timezone.now()).select_related("user")
    if owner is not None:
        rows = rows.filter(user=owner)
    return rows.order_by("-created_at", "-pk")


def token_revoke(*, actor: User, token_id: int, anyones: bool) -> bool:
    """Revoke a token of the actor's own, or anyone's when `anyones` (the administrator's
    right, decided by the caller from the permissions). False when there is no such token
    the actor may revoke. Audited; the token stops working at once."""
    with transaction.atomic():
        rows = ApiToken.objects.filter(pk=token_id)
        if not anyones:
            rows = rows.filter(user=actor)
        token = rows.select_related("user").first()
        if token is None:
            return False
        owner = token.user
        deleted, _rows = ApiToken.objects.filter(pk=token.pk).delete()
        if not deleted:  # revoked by someone else a moment ago
            return False
        audit_record(
            actor=actor.get_username(),
            action="accounts.api_token_revoked",
            object_type="user",
            object_id=str(owner.pk),
            data={"token": token_id, "owner": owner.get_username()},
        )
    return True
