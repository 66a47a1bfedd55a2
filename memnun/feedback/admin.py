"""/admin/ pages of the feedback app: the brand texts that name no known brand.

One page, not a model admin of feedback: it lists the unlinked spellings with
their counts and links a spelling to a brand (`services/brands.py`), which
links the past feedback and teaches the brand the spelling for the future.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from memnun.accounts.models import User
from memnun.admin_readonly import ReadOnlyAdminMixin
from memnun.feedback.capa_models import Capa, CapaAction, CapaCheck
from memnun.feedback.errors import FieldErrors, NotPermitted
from memnun.feedback.escalation_models import EscalationLevel
from memnun.feedback.models import UnmatchedBrand
from memnun.feedback.objectives_admin import ObjectiveAdmin as ObjectiveAdmin  # read-only list
from memnun.feedback.privacy_models import PrivacyNotice
from memnun.feedback.selectors.brands import unmatched_brand_texts
from memnun.feedback.services.brands import brand_text_link
from memnun.organisation.models import Brand


class BrandLinkForm(forms.Form):
    text = forms.CharField(max_length=100, widget=forms.HiddenInput)
    brand = forms.ModelChoiceField(
        label=gettext_lazy("Brand"), queryset=Brand.objects.filter(is_active=True),
        empty_label=gettext_lazy("Choose the brand"),
    )


@admin.register(UnmatchedBrand)
class UnmatchedBrandAdmin(admin.ModelAdmin[UnmatchedBrand]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("organisation.view_brand")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("organisation.change_brand")

    def get_urls(self) -> list[URLPattern]:
        # The list is the whole page: no change form of a single feedback here.
        return [
            path("", self.admin_site.admin_view(self.changelist_view),
                 name="feedback_unmatchedbrand_changelist"),
        ]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            form = BrandLinkForm(request.POST)
            if form.is_valid():
                user = request.user
                if not isinstance(user, User):
                    raise PermissionDenied
                try:
                    linked = brand_text_link(
                        actor=user, text=form.cleaned_data["text"],
                        brand=form.cleaned_data["brand"],
                    )
                except NotPermitted as exc:
                    raise PermissionDenied(exc.detail) from exc
                except FieldErrors as exc:
                    for problems in exc.fields.values():
                        for problem in problems:
                            messages.error(request, problem)
                else:
                    messages.success(request, _(
                        "“%(text)s” is now a spelling of %(brand)s; %(count)s feedback linked."
                    ) % {"text": form.cleaned_data["text"],
                         "brand": form.cleaned_data["brand"].name, "count": linked})
                    return redirect("admin:feedback_unmatchedbrand_changelist")
            else:
                messages.error(request, _("Choose the brand to link the spelling to."))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Brands as customers wrote them, not linked to a brand"),
            "opts": self.model._meta,
            "rows": [
                (row, BrandLinkForm(initial={"text": row.text}))
                for row in unmatched_brand_texts()
            ],
            "may_link": self.has_change_permission(request),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/feedback/unmatchedbrand/list.html", context)


class CapaActionInline(ReadOnlyAdminMixin, admin.TabularInline):  # type: ignore[type-arg]
    model = CapaAction
    extra = 0
    fields = ("description", "owner", "due_on", "status", "done_at", "done_by")
    readonly_fields = fields
    can_delete = False


class CapaCheckInline(ReadOnlyAdminMixin, admin.TabularInline):  # type: ignore[type-arg]
    model = CapaCheck
    extra = 0
    fields = ("result", "notes", "checked_by", "checked_at")
    readonly_fields = fields
    can_delete = False


@admin.register(Capa)
class CapaAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Capa]):
    """Read only: a CAPA changes through its desk pages (services/capa.py), which audit
    every write and keep its rules; here an administrator looks it up."""

    list_display = ("number", "kind", "status", "office", "category", "created_at")
    list_filter = ("status", "kind", "office")
    search_fields = ("number",)
    inlines = (CapaActionInline, CapaCheckInline)
    readonly_fields = (
        "number", "kind", "status", "office", "category", "problem", "analysis_method",
        "findings", "criterion_kind", "criterion_days", "criterion_weeks", "criterion_level",
        "criterion_text", "check_planned_on", "created_by", "created_at", "closed_by",
        "closed_at",
    )
    exclude = ("cause_categories",)


@admin.register(EscalationLevel)
class EscalationLevelAdmin(admin.ModelAdmin[EscalationLevel]):
    """The escalation ladder (feedback/escalation.py): which role at least decides a case
    at each level; a level without a role is external recourse. Blank names show the
    default names, translated."""

    list_display = ("order", "code", "name_tr", "name_en", "minimum_role")
    list_editable = ("name_tr", "name_en", "minimum_role")
    ordering = ("order",)


@admin.register(PrivacyNotice)
class PrivacyNoticeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[PrivacyNotice]):
    """Read only: a published version of the privacy notice is never edited (its hash
    fixes what customers were given); a change is a new version."""

    list_display = ("version", "effective_from", "sha256")
    readonly_fields = (
        "version", "effective_from", "summary_tr", "summary_en", "text_tr", "text_en",
        "phone_script_tr", "phone_script_en", "sha256",
    )

