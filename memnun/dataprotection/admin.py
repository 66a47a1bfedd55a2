"""The processors in the admin (edited there, audited through the service); the breach
register and the data subjects' requests to read (kept in the desk, where the services
check and audit each step)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from memnun.admin_readonly import ReadOnlyAdminMixin
from memnun.dataprotection.models import Breach, Processor, SubjectRequest
from memnun.dataprotection.services.processors import processor_remove, processor_save


class ProcessorForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Processor
        fields = [
            "name", "service", "country", "region", "transfer_basis", "contract_date",
            "notified_on", "purpose", "is_active",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        country = (data.get("country") or "").upper()
        data["country"] = country
        if country and country != "TR" and not data.get("transfer_basis"):
            raise ValidationError({"transfer_basis": _(
                "Data processed abroad needs a transfer basis (KVKK Art. 9)."
            )})
        if country == "TR":
            data["transfer_basis"] = ""
        return data


@admin.register(Processor)
class ProcessorAdmin(admin.ModelAdmin[Processor]):
    form = ProcessorForm
    list_display = ("name", "service", "country", "transfer_basis", "contract_date", "is_active")
    list_filter = ("service", "is_active")

    def save_model(
        self, request: HttpRequest, obj: Processor, form: forms.ModelForm, change: bool  # type: ignore[type-arg]
    ) -> None:
        processor_save(actor=request.user.get_username(), processor=obj,
                       changed=list(form.changed_data))

    def delete_model(self, request: HttpRequest, obj: Processor) -> None:
        processor_remove(actor=request.user.get_username(), processor=obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            processor_remove(actor=request.user.get_username(), processor=obj)


@admin.register(Breach)
class BreachAdmin(admin.ModelAdmin[Breach]):
    list_display = ("title", "status", "aware_at", "board_notified_at")
    list_filter = ("status",)
    readonly_fields = [f.name for f in Breach._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SubjectRequest)
class SubjectRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[SubjectRequest]):
    list_display = ("number", "right", "status", "received_at", "due_at")
    list_filter = ("status", "right")
    readonly_fields = [f.name for f in SubjectRequest._meta.fields]
