"""The work queue in fair order, its filters, and the search box."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from memnun.desk.case_rows import case_row
from memnun.desk.common import refusals_as_http, staff_user
from memnun.desk.forms import QueueFilterForm
from memnun.desk.views_bulk import bulk_bar
from memnun.feedback.errors import FieldErrors
from memnun.feedback.permissions import Action, may, sees_every_office
from memnun.feedback.selectors.queue import queue_page
from memnun.feedback.selectors.search import CaseFilters, feedback_search
from memnun.organisation.models import Office

QUEUE_PAGE = 50


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
    filters = CaseFilters(**{
        k: form.cleaned_data.get(k) or "" for k in ("office", "status", "type", "channel")
    })
    query = form.cleaned_data["q"].strip()
    chosen: dict[str, str] = {
        k: str(v) for k, v in request.GET.items() if k != "cursor" and v
    }
    now = timezone.now()
    context = {
        "form": form, "query": query, "offices": offices, "filtered": bool(chosen),
        "may_follow_up": may(user, Action.FOLLOW_UP_SURVEYS),
        "bulk": bulk_bar(user),
    }
    if query:
        found = feedback_search(user=user, query=query, filters=filters)
        context |= {"rows": [case_row(f, now, user.role) for f in found], "office": None}
        return render(request, "desk/queue.html", context)
    cursor = request.GET.get("cursor") or None
    office = request.GET.get("office") or None
    try:
        with refusals_as_http():
            page = queue_page(
                user=user, office=office, limit=QUEUE_PAGE, cursor=cursor, status=filters.status,
                type=filters.type, channel=filters.channel,
            )
    except FieldErrors:
        # A stale or hand-edited link: start again from the top of the queue.
        return redirect("desk:queue")
    base = reverse("desk:queue")
    next_url = f"{base}?{urlencode({**chosen, 'cursor': page.next})}" if page.next else None
    first_url = (f"{base}?{urlencode(chosen)}" if chosen else base) if cursor else None
    context |= {
        "rows": [case_row(f, now, user.role) for f in page.items],
        "office": page.office,
        "next_url": next_url,
        "first_url": first_url,
    }
    return render(request, "desk/queue.html", context)
