"""/admin/ list of objectives: to look them up, not to write them.

Objectives are drafted, approved and retired in the desk (`/desk/reports/objectives/`)
through `services/objectives.py`, which checks the roles and audits each change;
an admin form would bypass both, so this admin reads only.
"""

from __future__ import annotations

from django.contrib import admin

from memnun.admin_readonly import ReadOnlyAdminMixin
from memnun.feedback.objectives_models import Objective


@admin.register(Objective)
class ObjectiveAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Objective]):
    list_display = ["metric", "direction", "target", "period_unit", "office", "brand", "owner",
                    "status", "approved_by", "approved_at"]
    list_filter = ["status", "period_unit", "office", "brand"]
    search_fields = ["metric"]
    list_select_related = ["office", "brand", "owner", "approved_by"]
