"""API bearer tokens: issued after password (and OTP) checks, stored hashed."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from memnun.accounts.models import ApiToken, User, secret_digest
from memnun.audit.chain import audit_record


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: datetime


def token_issue(*, user: User) -> IssuedToken:
    raw = secrets.token_urlsafe(32)
    expires_at = timezone.now() + timedelta(hours=settings.API_TOKEN_HOURS)
    ApiToken.objects.create(user=user, key_hash=secret_digest(raw), expires_at=expires_at)
    return IssuedToken(token=raw, expires_at=expires_at)


def token_user(*, raw: str) -> User | None:
    """The active user a token belongs to, or None when unknown or expired."""
    if not raw or len(raw) > 200:
        return None
    row = (
        ApiToken.objects.select_related("user", "user__office")
        .filter(key_hash=secret_digest(raw), expires_at__gt=timezone.now())
        .first()
    )
    if row is None or not row.user.is_active:
        return None
    return row.user


def tokens_active(*, owner: User | None) -> QuerySet[ApiToken]:
    """Unexpired tokens, newest first: one owner's, or everyone's (owner None)."""
    rows = ApiToken.objects.select_related("user").filter(expires_at__gt=timezone.now())
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
