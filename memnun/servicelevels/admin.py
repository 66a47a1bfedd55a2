"""Business calendars and service targets, edited by an administrator.

Every save goes through the servicelevels services (`calendar_changed`,
`target_changed`), which bump the version and announce the change; the admin
view's own transaction wraps it, so the deadlines recomputed by the listeners
commit with the edit.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from memnun.servicelevels.models import Calendar, CalendarDay, OpeningPeriod, ServiceTarget
from memnun.servicelevels.store import calendar_changed, target_changed


def _minutes(value: Any) -> int:
    return int(value.hour) * 60 + int(value.minute)


class OpeningPeriodFormSet(BaseInlineFormSet):  # type: ignore[type-arg]
    """Periods of one weekday may touch but not overlap; a calendar must open at all.

    The business clock refuses such a calendar, so it is refused here, where an
    administrator can correct it, rather than when the next deadline is computed.
    """

    def clean(self) -> None:
        super().clean()
        by_day: dict[int, list[tuple[int, int]]] = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            opens, closes, weekday = data.get("opens"), data.get("closes"), data.get("weekday")
            if opens is None or closes is None or weekday is None:
                continue
            by_day.setdefault(int(weekday), []).append((_minutes(opens), _minutes(closes)))
        if not by_day:
            raise ValidationError(_("A calendar needs at least one opening period."))
        for periods in by_day.values():
            periods.sort()
            for (_s1, e1), (s2, _e2) in pairwise(periods):
                if s2 < e1:
                    raise ValidationError(_("Opening periods of the same day must not overlap."))


class OpeningPeriodInline(admin.TabularInline):  # type: ignore[type-arg]
    model = OpeningPeriod
    formset = OpeningPeriodFormSet
    extra = 0


class CalendarDayInline(admin.TabularInline):  # type: ignore[type-arg]
    model = CalendarDay
    extra = 0


@admin.register(Calendar)
class CalendarAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name", "timezone", "turkish_holidays", "version")
    readonly_fields = ("version",)
    inlines = (OpeningPeriodInline, CalendarDayInline)

    def save_related(
        self, request: HttpRequest, form: forms.ModelForm, formsets: Any, change: bool  # type: ignore[type-arg]
    ) -> None:
        super().save_related(request, form, formsets, change)
        # After the inlines, so that listeners see the new periods and exceptions.
        calendar_changed(calendar=form.instance, actor=request.user.get_username())


@admin.register(ServiceTarget)
class ServiceTargetAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("key", "mode", "minutes", "warn_at_percent", "description", "version")
    search_fields = ("key", "description")
    readonly_fields = ("version",)

    def save_model(
        self, request: HttpRequest, obj: ServiceTarget, form: forms.ModelForm, change: bool  # type: ignore[type-arg]
    ) -> None:
        old_key = ServiceTarget.objects.filter(pk=obj.pk).values_list("key", flat=True).first()
        super().save_model(request, obj, form, change)
        for key in {obj.key, old_key} - {None}:
            assert key is not None
            target_changed(key=key, actor=request.user.get_username())

    def delete_model(self, request: HttpRequest, obj: ServiceTarget) -> None:
        key = obj.key
        super().delete_model(request, obj)
        target_changed(key=key, actor=request.user.get_username())

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ServiceTarget]) -> None:
        keys = list(queryset.values_list("key", flat=True))
        super().delete_queryset(request, queryset)
        for key in keys:
            target_changed(key=key, actor=request.user.get_username())
