"""Staff users in the admin: role, office, active, password and two-factor state.

Changes to what a user may do (role, office, active, admin rights) and turning off
two-factor are business actions: each writes an audit event in the admin's transaction.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm, UsernameField
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from memnun.accounts.models import User
from memnun.accounts.roles import OFFICE_BOUND_ROLES
from memnun.accounts.two_factor import two_factor_remove
from memnun.audit.chain import audit_record

# What a user may do and see; changing any of these is audited.
AUDITED_FIELDS = ("role", "office", "is_active", "is_staff", "is_superuser")


def _office_required(cleaned: dict[str, Any]) -> None:
    if cleaned.get("role") in OFFICE_BOUND_ROLES and not cleaned.get("office"):
        raise ValidationError(
            {"office": _("This role works for one office: choose the office.")}
        )


class StaffCreationForm(UserCreationForm[User]):
    class Meta:
        model = User
        fields = ("username", "role", "office")
        field_classes = {"username": UsernameField}

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        _office_required(cleaned)
        return cleaned


class StaffChangeForm(UserChangeForm[User]):
    class Meta:
        model = User
        fields = "__all__"
        field_classes = {"username": UsernameField}

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        _office_required(cleaned)
        return cleaned


def _audited_values(user: User) -> dict[str, Any]:
    return {
        "role": user.role,
        "office": user.office.code if user.office else None,
        "is_active": user.is_active,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
    }


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    form = StaffChangeForm
    add_form = StaffCreationForm
    list_display = (
        "username", "first_name", "last_name", "role", "office", "is_active", "two_factor",
        "last_login",
    )
    list_filter = ("role", "office", "is_active", "is_staff")
    list_select_related = ("office",)
    search_fields = ("username", "first_name", "last_name", "email")
    ordering = ("username",)
    readonly_fields = ("two_factor", "last_login", "date_joined")
    actions = ["turn_off_two_factor"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Work"), {"fields": ("role", "office", "is_active", "two_factor")}),
        (
            _("Administration"),
            {"fields": ("is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "role", "office", "password1", "password2"),
            },
        ),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        # One query for the whole list instead of one device lookup per row.
        confirmed = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        users: QuerySet[User] = super().get_queryset(request)
        return users.annotate(has_two_factor=Exists(confirmed))

    @admin.display(description=_("two-factor"), boolean=True, ordering="has_two_factor")
    def two_factor(self, obj: User) -> bool:
        annotated = getattr(obj, "has_two_factor", None)
        if annotated is None:  # an object not loaded through get_queryset
            return bool(TOTPDevice.objects.filter(user=obj, confirmed=True).exists())
        return bool(annotated)

    def save_model(
        self, request: HttpRequest, obj: User, form: forms.ModelForm[User], change: bool
    ) -> None:
        before = _audited_values(User.objects.get(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)
        after = _audited_values(obj)
        changed = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
        if change and not changed:
            return
        audit_record(
            actor=request.user.get_username(),
            action="accounts.user_changed" if change else "accounts.user_created",
            object_type="user",
            object_id=str(obj.pk),
            data=changed,
        )

    @admin.action(description=_("Turn off two-factor (lost or replaced phone)"))
    def turn_off_two_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        turned_off = sum(
            two_factor_remove(user=user, actor=request.user.get_username()) for user in queryset
        )
        self.message_user(
            request,
            _("Two-factor turned off for %(count)d user(s).") % {"count": turned_off},
            messages.SUCCESS,
        )
