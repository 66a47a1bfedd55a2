"""API bearer tokens: issued after password (and OTP) checks, stored hashed."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from memnun.accounts.models import ApiToken, User


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: datetime


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_issue(*, user: User) -> IssuedToken:
    raw = secrets.token_urlsafe(32)
    expires_at = timezone.now() + timedelta(hours=settings.API_TOKEN_HOURS)
    ApiToken.objects.create(user=user, key_hash=_digest(raw), expires_at=expires_at)
    return IssuedToken(token=raw, expires_at=expires_at)


def token_user(*, raw: str) -> User | None:
    """The active user a token belongs to, or None when unknown or expired."""
    if not raw or len(raw) > 200:
        return None
    row = (
        ApiToken.objects.select_related("user", "user__office")
        .filter(key_hash=_digest(raw), expires_at__gt=timezone.now())
        .first()
    )
    if row is None or not row.user.is_active:
        return None
    return row.user
