"""Small helpers shared by the desk views."""

from __future__ import annotations

from django.http import HttpRequest

from memnun.accounts.models import User


def staff_user(request: HttpRequest) -> User:
    """The signed-in member of staff (views are behind login_required)."""
    user = request.user
    assert isinstance(user, User)
    return user
