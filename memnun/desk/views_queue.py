"""The work queue in fair order, its filters and views, and the search box.

Every filter is read by `feedback/selectors/work_filters.py` (the one reader); a view,
built in or saved, is only a query string for it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from memnun.accounts.models import User
from memnun.desk.case_rows import case_row
from memnun.desk.common import refusals_as_http, staff_user
from memnun.desk.forms import QueueFilterForm
from memnun.desk.views_bulk import bulk_bar
from memnun.feedback.desk_models import VIEW_NAME_MAX, SavedView
from memnun.feedback.errors import FieldErrors
from memnun.feedback.permissions import Action, may, sees_every_office
from memnun.feedback.selectors.queue import queue_page
from memnun.feedback.selectors.search import CaseFilters, feedback_search
from memnun.feedback.selectors.work_filters import (
    BUILT_IN_VIEWS,
    CaseListFilters,
    filters_read,
    lens_filters,
    lenses_for,
    work_condition,
)
from memnun.feedback.services.desk_views import (
    saved_view_create,
    saved_view_delete,
    saved_view_rename,
)
from memnun.organisation.models import Office
from memnun.webforms import ServiceErrors

QUEUE_PAGE = 50


class SavedViewForm(ServiceErrors):
    # Length and emptiness are the service's to judge; the browser only helps.
    name = forms.CharField(
        label=gettext_lazy("Name of the view"), required=False,
        widget=forms.TextInput(attrs={"maxlength": VIEW_NAME_MAX, "autocomplete": "off"}),
    )
    filters = forms.CharField(required=False, widget=forms.HiddenInput)


def queue_url(filters: CaseListFilters) -> str:
    query = filters.query()
    return reverse("desk:queue") + (f"?{query}" if query else "")


def views_beside(user: User, current: str) -> dict[str, Any]:
    """The built-in and the user's saved views, each with its link and whether it is shown."""
    built_in = []
    for lens in lenses_for(user, BUILT_IN_VIEWS):
        query = lens_filters(lens, user=user).query()
        built_in.append({"title": lens.title, "url": f"{reverse('desk:queue')}?{query}",
                         "current": query == current})
    saved = [
        {"view": v, "url": f"{reverse('desk:queue')}?{v.query}", "current": v.query == current}
        for v in SavedView.objects.filter(user=user)
    ]
    return {"built_in_views": built_in, "saved_views": saved}


@require_GET
@login_required
def queue(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    offices = (
        list(Office.objects.filter(is_active=True).order_by("name"))
        if sees_every_office(user)
        else []
    )
    form = QueueFilterForm(request.GET, offices=offices)
    if not form.is_valid():
        return redirect("desk:queue")
    try:
        chosen_filters = filters_read(request.GET)
    except FieldErrors:
        return redirect("desk:queue")
    filters = CaseFilters(
        office=chosen_filters.office, status=chosen_filters.status, type=chosen_filters.type,
        channel=chosen_filters.channel,
    )
    query = form.cleaned_data["q"].strip()
    chosen: dict[str, str] = {
        k: str(v) for k, v in request.GET.items() if k != "cursor" and v
    }
    now = timezone.now()
    current = chosen_filters.query()
    came_from = request.GET.urlencode()
    context = {
        "form": form, "query": query, "offices": offices, "filtered": bool(chosen),
        "may_follow_up": may(user, Action.FOLLOW_UP_SURVEYS),
        "bulk": bulk_bar(user),
        "save_form": SavedViewForm(initial={"filters": current}) if current else None,
        "work_filtered": chosen_filters.has_work(),
        **views_beside(user, current),
    }
    if query:
        found = feedback_search(
            user=user, query=query, filters=filters,
            narrowed_by=work_condition(chosen_filters, user=user, now=now),
        )
        context |= {"rows": [case_row(f, now, user.role, came_from=came_from) for f in found],
                    "office": None}
        return render(request, "desk/queue.html", context)
    cursor = request.GET.get("cursor") or None
    office = request.GET.get("office") or None
    try:
        with refusals_as_http():
            page = queue_page(
                user=user, office=office, limit=QUEUE_PAGE, cursor=cursor, status=filters.status,
                type=filters.type, channel=filters.channel, work=chosen_filters, now=now,
            )
    except FieldErrors:
        # A stale or hand-edited link: start again from the top of the queue.
        return redirect("desk:queue")
    base = reverse("desk:queue")
    next_url = f"{base}?{urlencode({**chosen, 'cursor': page.next})}" if page.next else None
    first_url = (f"{base}?{urlencode(chosen)}" if chosen else base) if cursor else None
    context |= {
        "rows": [case_row(f, now, user.role, came_from=came_from) for f in page.items],
        "office": page.office,
        "next_url": next_url,
        "first_url": first_url,
    }
    return render(request, "desk/queue.html", context)


# --- Saved views -----------------------------------------------------------------------------


def _views_page(
    request: HttpRequest, *, user: User, new: SavedViewForm | None = None,
    failed: tuple[int, SavedViewForm] | None = None, status: int = 200,
) -> HttpResponse:
    rows = [
        {"view": v, "url": f"{reverse('desk:queue')}?{v.query}",
         "form": failed[1] if failed and failed[0] == v.pk
         else SavedViewForm(initial={"name": v.name}, prefix=f"v{v.pk}")}
        for v in SavedView.objects.filter(user=user)
    ]
    return render(request, "desk/queue_views.html",
                  {"rows": rows, "new": new}, status=status)


@login_required
def views(request: HttpRequest) -> HttpResponse:
    """GET: the user's saved views, to rename or delete. POST: save the queue's filters."""
    user = staff_user(request)
    if request.method == "GET":
        return _views_page(request, user=user)
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    form = SavedViewForm(request.POST)
    form.is_valid()
    filters = QueryDict(form.cleaned_data.get("filters", ""))
    try:
        with refusals_as_http():
            view = saved_view_create(
                actor=user, name=form.cleaned_data.get("name", ""),
                filters={k: filters.get(k, "") for k in filters},
            )
    except FieldErrors as exc:
        form.add_service_errors(exc.fields)
        return _views_page(request, user=user, new=form, status=422)
    messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
    return redirect(f"{reverse('desk:queue')}?{view.query}")


@require_POST
@login_required
def view_rename(request: HttpRequest, view_id: int) -> HttpResponse:
    user = staff_user(request)
    form = SavedViewForm(request.POST, prefix=f"v{view_id}")
    form.is_valid()
    try:
        with refusals_as_http():
            saved_view_rename(actor=user, view_id=view_id, name=form.cleaned_data.get("name", ""))
    except FieldErrors as exc:
        form.add_service_errors(exc.fields)
        return _views_page(request, user=user, failed=(view_id, form), status=422)
    messages.success(request, _("View renamed."))
    return redirect("desk:views")


@require_POST
@login_required
def view_delete(request: HttpRequest, view_id: int) -> HttpResponse:
    user = staff_user(request)
    with refusals_as_http():
        saved_view_delete(actor=user, view_id=view_id)
    messages.success(request, _("View deleted."))
    return redirect("desk:views")
