"""Configuration that cannot work is refused at start-up (Django system checks)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error

from memnun.accounts.roles import Role


def two_factor_roles_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """MEMNUN_TWO_FACTOR_ROLES names roles that exist: a misspelt role would silently
    leave its holders without two-factor."""
    unknown = sorted(set(settings.MEMNUN_TWO_FACTOR_ROLES) - set(Role.values))
    if not unknown:
        return []
    return [
        Error(
            f"MEMNUN_TWO_FACTOR_ROLES names unknown roles: {', '.join(unknown)}",
            hint=f"Roles are: {', '.join(Role.values)}.",
            id="memnun.E201",
        )
    ]
