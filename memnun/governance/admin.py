"""The governance records in the admin, to read: they are written in the desk, where the
services check who may write them and audit each write (policy approval before
publication, a management appointer, the training dates)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from memnun.admin_readonly import ReadOnlyAdminMixin
from memnun.governance.models import (
    PolicyAcknowledgement,
    PolicyVersion,
    RepresentativeAppointment,
    TrainingRecord,
)


@admin.register(PolicyVersion)
class PolicyVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Any]):
    list_display = ("number", "status", "effective_from", "approved_by", "approved_at",
                    "published_at")
    list_filter = ("status",)
    list_select_related = ("approved_by",)


@admin.register(PolicyAcknowledgement)
class PolicyAcknowledgementAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Any]):
    list_display = ("user", "version", "at")
    list_filter = ("version",)
    list_select_related = ("user", "version")
    search_fields = ("user__username",)


@admin.register(RepresentativeAppointment)
class RepresentativeAppointmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Any]):
    list_display = ("user", "starts_on", "ends_on", "appointed_by", "recorded_at")
    list_select_related = ("user", "appointed_by")


@admin.register(TrainingRecord)
class TrainingRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Any]):
    list_display = ("user", "course", "completed_on", "expires_on", "recorded_by")
    list_filter = ("course",)
    list_select_related = ("user", "recorded_by")
    search_fields = ("user__username", "course")
