"""/admin/ list of objectives: to look them up, not to write them.

Objectives are drafted, approved and retired in the desk (`/desk/reports/objectives/`)
through `services/objectives.py`, which checks the roles and audits each change;
an admin form would bypass both, so this admin reads only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from memnun.feedback.objectives_models import Objective


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin[Objective]):
    list_display = ["metric", "direction", "target", "period_unit", "office", "brand", "owner",
                    "status", "approved_by", "approved_at"]
    list_filter = ["status", "period_unit", "office", "brand"]
    search_fields = ["metric"]
    list_select_related = ["office", "brand", "owner", "approved_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
