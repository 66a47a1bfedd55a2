"""The queue's bulk-action bar: which action, on which cases, with what."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from memnun.feedback.services.bulk import BulkAction
from memnun.feedback.services.notes import BODY_LIMIT
from memnun.organisation.models import Category
from memnun.webforms import OptionsField, ServiceErrors

# What each bulk action is called on the bar (the domain's enum, the desk's words).
BULK_LABELS: dict[BulkAction, Any] = {
    BulkAction.ASSIGN: _("Assign"),
    BulkAction.CATEGORY: _("Change the category"),
    BulkAction.NOTE: _("Add an internal note"),
    BulkAction.MERGE: _("Merge the duplicates into one case"),
}


class References(forms.Field):
    """Several references under one name (the row checkboxes); the service checks them."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[str]:
        return [str(v)[:60] for v in value or []]


class BulkForm(ServiceErrors):
    SERVICE_FIELDS = {"references": "case"}

    action = forms.ChoiceField(label=_("What to do"), choices=[("", _("Choose…"))] + [
        (a.value, label) for a, label in BULK_LABELS.items()
    ])
    # The row checkboxes; "all" takes every case listed on the page (`page`) instead, so
    # that "select all on this page" works without script as well.
    case = References(required=False)
    all = forms.BooleanField(label=_("Select all on this page"), required=False)
    page = References(required=False)
    assignee = forms.ChoiceField(label=_("Assign to"), required=False)
    category = OptionsField(
        label=_("New category"), queryset=Category.objects.filter(is_active=True),
        to_field_name="code", required=False, empty_label=_("Choose…"),
    )
    body = forms.CharField(
        label=_("Internal note"), required=False, max_length=BODY_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    survivor = forms.CharField(
        label=_("Reference of the case that carries on"), required=False, max_length=40,
        help_text=_("For a merge: the other selected cases are merged into this one."),
    )

    def __init__(self, *args: Any, candidates: list[tuple[str, str]], **kwargs: Any) -> None:
        # The row checkboxes sit in the table, outside the form (form="bulk"): fixed ids.
        kwargs.setdefault("auto_id", "bulk-%s")
        super().__init__(*args, **kwargs)
        assignee = self.fields["assignee"]
        assert isinstance(assignee, forms.ChoiceField)
        assignee.choices = [("", _("Automatic (round robin)")), *candidates]

    def references(self) -> list[str]:
        d = self.cleaned_data
        return list(d["page"] if d["all"] else d["case"])
