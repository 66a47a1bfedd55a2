"""The processors in the admin (edited there, audited through the service); the breach
register and the data subjects' requests to read (kept in the desk, where the services
check and audit each step); the retention schedule and its holds (K9), edited by the
administrator and the personal-data contact through their audited services, and the
destruction log to read."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from memnun.accounts.models import User
from memnun.admin_readonly import ReadOnlyAdminMixin
from memnun.dataprotection.models import (
    Breach,
    DestructionEntry,
    DestructionRun,
    Processor,
    RetentionHold,
    RetentionPeriod,
    SubjectRequest,
)
from memnun.dataprotection.retention_rules import COUNTS, DEFAULTS, RetentionCategory
from memnun.dataprotection.services.processors import processor_remove, processor_save
from memnun.dataprotection.services.retention import (
    retention_hold_remove,
    retention_hold_save,
    retention_manager,
    retention_period_problem,
    retention_period_save,
)


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


def _manager(request: HttpRequest) -> bool:
    return isinstance(request.user, User) and retention_manager(request.user)


class RetentionAccess:
    """The administrator and the personal-data contact (a staff account) keep these."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _manager(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _manager(request)


class RetentionPeriodForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = RetentionPeriod
        fields = ["amount", "unit", "note"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("amount") is not None and data.get("unit"):
            problem = retention_period_problem(
                category=self.instance.category, amount=data["amount"], unit=data["unit"],
            )
            if problem:
                raise ValidationError({"amount": problem})
        return data


@admin.register(RetentionPeriod)
class RetentionPeriodAdmin(RetentionAccess, admin.ModelAdmin[RetentionPeriod]):
    form = RetentionPeriodForm
    list_display = ("category", "amount", "unit", "starts", "changed_at", "changed_by")
    readonly_fields = ("category", "starts", "action", "basis", "changed_at", "changed_by")
    fields = ("category", "amount", "unit", "starts", "action", "basis", "note",
              "changed_at", "changed_by")

    @admin.display(description=_("counted from"))
    def starts(self, obj: RetentionPeriod) -> str:
        return str(DEFAULTS[RetentionCategory(obj.category)].starts)

    @admin.display(description=_("at its end"))
    def action(self, obj: RetentionPeriod) -> str:
        return str(DEFAULTS[RetentionCategory(obj.category)].action)

    @admin.display(description=_("default and its basis"))
    def basis(self, obj: RetentionPeriod) -> str:
        default = DEFAULTS[RetentionCategory(obj.category)]
        return f"{default.amount} {default.unit}: {default.basis}"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # one row per category, seeded by the migration

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _manager(request)

    def save_model(
        self, request: HttpRequest, obj: RetentionPeriod, form: forms.ModelForm, change: bool  # type: ignore[type-arg]
    ) -> None:
        assert isinstance(request.user, User)
        retention_period_save(actor=request.user, period=obj)


@admin.register(RetentionHold)
class RetentionHoldAdmin(RetentionAccess, admin.ModelAdmin[RetentionHold]):
    list_display = ("name", "active", "until", "created_at", "created_by")
    list_filter = ("active",)
    fields = ("name", "reason", "cases", "active", "until")
    raw_id_fields = ("cases",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _manager(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _manager(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _manager(request)

    def save_model(
        self, request: HttpRequest, obj: RetentionHold, form: forms.ModelForm, change: bool  # type: ignore[type-arg]
    ) -> None:
        """Saved with its cases in `save_related`, in one audited write."""

    def save_related(
        self, request: HttpRequest, form: forms.ModelForm, formsets: Any, change: bool  # type: ignore[type-arg]
    ) -> None:
        assert isinstance(request.user, User)
        cases = form.cleaned_data.get("cases")
        retention_hold_save(
            actor=request.user, hold=form.instance,
            case_ids=[c.pk for c in cases] if cases is not None else [],
        )

    def delete_model(self, request: HttpRequest, obj: RetentionHold) -> None:
        assert isinstance(request.user, User)
        retention_hold_remove(actor=request.user, hold=obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        assert isinstance(request.user, User)
        for obj in queryset:
            retention_hold_remove(actor=request.user, hold=obj)


class DestructionEntryInline(ReadOnlyAdminMixin, admin.TabularInline[DestructionEntry, Any]):
    model = DestructionEntry
    fields = ("reference", "category", "rule", "closed_at", "destroyed_at")
    readonly_fields = fields
    extra = 0


@admin.register(DestructionRun)
class DestructionRunAdmin(RetentionAccess, ReadOnlyAdminMixin, admin.ModelAdmin[DestructionRun]):
    list_display = ("started_at", "finished_at", "as_of", "trigger", "started_by", "summary")
    list_filter = ("trigger",)
    readonly_fields = ("started_at", "finished_at", "as_of", "trigger", "started_by",
                       "summary", "error")
    fields = readonly_fields
    inlines = [DestructionEntryInline]

    @admin.display(description=_("counts"))
    def summary(self, obj: DestructionRun) -> str:
        return "; ".join(f"{label}: {obj.counts.get(key, 0)}" for key, label in COUNTS.items())
