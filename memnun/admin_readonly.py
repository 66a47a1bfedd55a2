"""The one read-only admin: records written only through their services.

Cases, CAPAs, objectives, the governance records, mail in and out are written by
services that check who may write them and audit each write; an admin form would
bypass both. Their model admins and inlines show the rows and never add, change
or delete them. On the lowest floor, so that every app's admin may use it.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


class ReadOnlyAdminMixin:
    """Put before `admin.ModelAdmin` or an inline: it reads, never writes."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
