"""The retention schedule and the destruction log, to read (K9): the period of each data
category, the operators' holds, and each run of the destruction job with its counts.

The schedule and the holds are changed in the admin; the job runs on its schedule or with
`memnun privacy destroy`. Roles: `view_retention` (privacy, quality, auditor, admin).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from memnun.dataprotection.retention import (
    destruction_runs_list,
    holds_list,
    retention_readable,
    retention_schedule,
)
from memnun.dataprotection.retention_rules import COUNTS, DEFAULTS
from memnun.desk.common import refusals_as_http, staff_user


@require_GET
@login_required
def retention(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    now = timezone.now()
    with refusals_as_http():
        retention_readable(user)
        runs = destruction_runs_list(user=user)
        holds = holds_list(user=user, now=now)
    schedule = [
        (period, DEFAULTS[category]) for category, period in retention_schedule().items()
    ]
    return render(request, "desk/retention/retention.html", {
        "schedule": schedule,
        "holds": holds,
        "count_labels": list(COUNTS.values()),
        "runs": [
            (run, [(label, run.counts.get(key, 0)) for key, label in COUNTS.items()])
            for run in runs
        ],
        "every_days": settings.MEMNUN_DESTRUCTION_EVERY_DAYS,
    })
