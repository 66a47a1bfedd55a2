"""Offices, their on-call rota, brands and categories, edited by an administrator."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from memnun.organisation.models import Brand, Category, Office, OnCall, RootCauseCategory
from memnun.organisation.signals import (
    brand_spellings_changed,
    category_safety_changed,
    office_calendar_changed,
)


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name", "calendar", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name")

    def save_model(
        self, request: HttpRequest, obj: Office, form: forms.ModelForm, change: bool  # type: ignore[type-arg]
    ) -> None:
        super().save_model(request, obj, form, change)
        if change and "calendar" in form.changed_data:
            # Another calendar means other deadlines for the office's open cases.
            office_calendar_changed.send(
                sender=Office, office=obj, actor=request.user.get_username()
            )


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name", "aliases")

    def save_model(
        self, request: HttpRequest, obj: Brand, form: forms.ModelForm, change: bool  # type: ignore[type-arg]
    ) -> None:
        super().save_model(request, obj, form, change)
        if not change or {"code", "name", "aliases", "is_active"} & set(form.changed_data):
            # Feedback that named the brand in words it is now known by gets linked.
            brand_spellings_changed.send(
                sender=Brand, brand=obj, actor=request.user.get_username()
            )


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name_tr", "name_en", "is_safety", "is_privacy", "is_active")
    list_filter = ("is_safety", "is_privacy", "is_active")
    search_fields = ("code", "name_tr", "name_en")

    def save_model(
        self, request: HttpRequest, obj: Category, form: forms.ModelForm, change: bool  # type: ignore[type-arg]
    ) -> None:
        super().save_model(request, obj, form, change)
        if change and "is_safety" in form.changed_data:
            category_safety_changed.send(
                sender=Category, category=obj, actor=request.user.get_username()
            )


@admin.register(RootCauseCategory)
class RootCauseCategoryAdmin(admin.ModelAdmin[RootCauseCategory]):
    list_display = ("code", "name_tr", "name_en", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name_tr", "name_en")


@admin.register(OnCall)
class OnCallAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The rota of every office, filtered by office."""

    list_display = ("office", "name", "email", "phone", "starts_at", "ends_at", "is_active")
    list_filter = ("office", "is_active")
    search_fields = ("name", "email", "phone")
    date_hierarchy = "starts_at"
