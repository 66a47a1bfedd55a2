"""Bearer tokens for staff calls."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from memnun.accounts.models import User
from memnun.accounts.tokens import token_user


class StaffToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return token_user(raw=token)


def optional_staff(request: HttpRequest) -> User | None:
    """The staff member behind a bearer token, None without one; 401 for a bad one."""
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _, raw = header.partition(" ")
    user = token_user(raw=raw.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        raise AuthenticationError()
    return user
