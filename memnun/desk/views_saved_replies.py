"""Saved replies in the desk: the management pages (list, new, edit, deactivate) and the
case page's picker, which fills a reply for the case and puts it in the message box.

The rules (who manages which reply, which replies a case offers, how placeholders are
filled) are `feedback/selectors/saved_replies.py`'s and `feedback/services/saved_replies.py`'s;
the pages only translate. The picker works with htmx (a GET answering the message box
filled) and without JavaScript (the case page with `?reply=<id>` has the box filled).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from memnun.accounts.models import User
from memnun.desk.case_actions import BY_SLUG
from memnun.desk.common import form_step, refusals_as_http, staff_user
from memnun.feedback.errors import NotFound, NotPermitted
from memnun.feedback.models import Feedback
from memnun.feedback.permissions import Action, actions_on, feedback_for_user, may
from memnun.feedback.saved_reply_models import SavedReply
from memnun.feedback.selectors.saved_replies import (
    saved_replies_for_case,
    saved_replies_visible_to,
    saved_reply_for_user,
    saved_reply_may_change,
    saved_reply_offices_for,
)
from memnun.feedback.services.notes import BODY_LIMIT
from memnun.feedback.services.saved_replies import (
    PLACEHOLDERS,
    SavedReplyInput,
    saved_reply_create,
    saved_reply_deactivate,
    saved_reply_edit,
    saved_reply_for_case,
)
from memnun.organisation.models import Office
from memnun.webforms import ServiceErrors

_LIST = "desk:saved_replies"
# The case page's message form (desk/case_actions.py) and the GET parameter of the picker.
MESSAGE_SLUG = "message"
REPLY_PARAM = "reply"


class SavedReplyForm(ServiceErrors):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=120)
    body_tr = forms.CharField(
        label=gettext_lazy("Text in Turkish"), max_length=BODY_LIMIT,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    body_en = forms.CharField(
        label=gettext_lazy("Text in English"), max_length=BODY_LIMIT,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    office = forms.ChoiceField(label=gettext_lazy("Office"), required=False)
    active = forms.BooleanField(
        label=gettext_lazy("Offered on the case page"), required=False, initial=True
    )

    def __init__(self, *args: Any, offices: list[tuple[str, str]] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["office"]
        assert isinstance(field, forms.ChoiceField)
        # None: the user may keep every office's replies and the every-office ones.
        field.choices = (
            [("", _("Every office")), *Office.objects.values_list("code", "name")]
            if offices is None else offices
        )

    def to_input(self) -> SavedReplyInput:
        d = self.cleaned_data
        return SavedReplyInput(
            title=d["title"], body_tr=d["body_tr"], body_en=d["body_en"],
            office=d.get("office") or None, active=bool(d.get("active")),
        )


def _manager(request: HttpRequest) -> User:
    user = staff_user(request)
    if not may(user, Action.MANAGE_SAVED_REPLIES):
        raise PermissionDenied(_("Your role may not manage saved replies."))
    return user


def _placeholders() -> list[str]:
    return ["{" + name + "}" for name in PLACEHOLDERS]


@require_GET
@login_required
def saved_replies(request: HttpRequest) -> HttpResponse:
    user = _manager(request)
    rows = [
        {"reply": reply, "may_change": saved_reply_may_change(user, reply)}
        for reply in saved_replies_visible_to(user).order_by("-active", "title", "id")
    ]
    return render(request, "desk/saved_replies/list.html", {"rows": rows})


def _initial(reply: SavedReply) -> dict[str, Any]:
    return {
        "title": reply.title, "body_tr": reply.body_tr, "body_en": reply.body_en,
        "office": reply.office.code if reply.office else "", "active": reply.active,
    }


@require_http_methods(["GET", "POST"])
@login_required
def saved_reply_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = _manager(request)
    reply = None
    if pk is not None:
        with refusals_as_http():
            reply = saved_reply_for_user(user=user, pk=pk)
        if not saved_reply_may_change(user, reply):
            raise PermissionDenied(_("You may change the saved replies of your own office only."))
    offices = saved_reply_offices_for(user)
    if request.method == "POST":
        form = SavedReplyForm(request.POST, offices=offices)
    else:
        form = SavedReplyForm(initial=_initial(reply) if reply else {}, offices=offices)

    def page(conflict: str, status: int) -> HttpResponse:
        return render(request, "desk/saved_replies/form.html", {
            "form": form, "reply": reply, "placeholders": _placeholders(), "conflict": conflict,
        }, status=status)

    if request.method == "GET":
        return page("", 200)

    def write() -> str:
        if reply is None:
            saved_reply_create(actor=user, data=form.to_input())
            return _("The saved reply is added.")
        saved_reply_edit(actor=user, reply=reply, data=form.to_input())
        return _("The saved reply is changed.")

    return form_step(request, form, write, done_url=reverse(_LIST), page=page)


@require_POST
@login_required
def saved_reply_deactivate_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _manager(request)
    with refusals_as_http():
        reply = saved_reply_for_user(user=user, pk=pk)
        saved_reply_deactivate(actor=user, reply=reply)
    messages.success(request, _("The saved reply is no longer offered on the case page."))
    return redirect(_LIST)


# --- The case page's picker ------------------------------------------------------------


def saved_reply_picker(user: User, feedback: Feedback, actions: frozenset[Action]) -> list[Any]:
    """The replies the case's message form offers (none when the user may not message)."""
    if Action.MESSAGE_CUSTOMER not in actions:
        return []
    return saved_replies_for_case(feedback=feedback)


def _reply_id(request: HttpRequest) -> int | None:
    raw = request.GET.get(REPLY_PARAM, "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def _message_form(user: User, feedback: Feedback, actions: frozenset[Action], text: str) -> Any:
    form = BY_SLUG[MESSAGE_SLUG].make(user, feedback, actions, None, MESSAGE_SLUG)
    form.initial["body"] = text
    return form


def saved_reply_prefilled(request: HttpRequest, user: User, feedback: Feedback) -> dict[str, Any]:
    """The case page's forms to use instead of blank ones: the message form with the chosen
    reply filled in (`?reply=<id>`, the picker without JavaScript); none otherwise. An
    unknown reply, or one the user may not use here, leaves the box empty."""
    reply_id = _reply_id(request)
    if reply_id is None:
        return {}
    actions = actions_on(user, feedback)
    try:
        text = saved_reply_for_case(actor=user, feedback=feedback, reply_id=reply_id)
    except (NotFound, NotPermitted):
        return {}
    return {MESSAGE_SLUG: _message_form(user, feedback, actions, text)}


@require_GET
@login_required
def saved_reply_fill(request: HttpRequest, reference: str) -> HttpResponse:
    """htmx: the message box with the chosen reply filled in. Without htmx: the case page
    with the box filled."""
    user = staff_user(request)
    with refusals_as_http():
        access = feedback_for_user(user=user, reference=reference)
    feedback = access.feedback
    reply_id = _reply_id(request)
    if not request.headers.get("HX-Request"):
        url = reverse("desk:case", args=[feedback.reference])
        query = f"?{REPLY_PARAM}={reply_id}" if reply_id is not None else ""
        return redirect(f"{url}{query}#action-{MESSAGE_SLUG}")
    if reply_id is None:
        raise Http404(_("No such saved reply."))
    with refusals_as_http():
        text = saved_reply_for_case(actor=user, feedback=feedback, reply_id=reply_id)
    form = _message_form(user, feedback, access.actions, text)
    # htmx moves the focus to the swapped-in box, where the text is to be edited.
    form.fields["body"].widget.attrs["autofocus"] = True
    response = render(request, "desk/saved_replies/_message_box.html", {"field": form["body"]})
    # The customer's name is in it: never kept by a browser or a proxy.
    response["Cache-Control"] = "no-store"
    return response
