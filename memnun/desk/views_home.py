"""The desk's home: "my work" at a glance, panels by role, each a link to the filtered queue.

Which panels a user gets, and what each holds, is `work_filters.PANELS` (the matrix
decides); this view only renders them. The panels refresh themselves through htmx
from `home_panels`, which reads and never writes; opening the home itself records
the visit ("answered since I last looked" counts from the visit before).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from memnun.accounts.models import User
from memnun.desk.case_rows import case_row
from memnun.desk.common import staff_user
from memnun.desk.views_queue import queue_url
from memnun.feedback.selectors.queue import queue_glance, queue_office
from memnun.feedback.selectors.work_filters import PANELS, lens_filters, lenses_for
from memnun.feedback.services.desk_views import home_looked

PANEL_ROWS = 5


def panels_for(user: User, now: datetime) -> list[dict[str, Any]]:
    office = queue_office(user=user, office=None)
    panels = []
    for lens in lenses_for(user, PANELS):
        filters = lens_filters(lens, user=user)
        glance = queue_glance(user=user, filters=filters, limit=PANEL_ROWS, now=now,
                              office=office)
        panels.append({
            "key": lens.key, "title": lens.title, "count": glance.count,
            "rows": [case_row(f, now, user.role) for f in glance.items],
            "url": queue_url(filters),
        })
    return panels


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    now = timezone.now()
    home_looked(actor=user, now=now)
    return render(request, "desk/home.html", {"panels": panels_for(user, now)})


@require_GET
@login_required
def home_panels(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    return render(request, "desk/home_panels.html",
                  {"panels": panels_for(user, timezone.now())})
