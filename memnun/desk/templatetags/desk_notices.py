"""The header's notification counter: the signed-in person's unread count (one COUNT)."""

from __future__ import annotations

from django import template

from memnun.accounts.models import User
from memnun.feedback.selectors.desk_notices import notices_unread_count

register = template.Library()


@register.filter
def unread_notices(user: object) -> int:
    return notices_unread_count(user=user) if isinstance(user, User) else 0
