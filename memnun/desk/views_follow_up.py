"""Low survey scores to follow up with the customer (reviewers and quality managers)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from memnun.desk.common import refusals_as_http, staff_user
from memnun.feedback.selectors.surveys import LOW_SCORE_MAX, surveys_to_follow_up


@require_GET
@login_required
def follow_up(request: HttpRequest) -> HttpResponse:
    with refusals_as_http():
        rows = surveys_to_follow_up(user=staff_user(request))
    return render(
        request, "desk/follow_up.html", {"rows": rows, "low_score_max": LOW_SCORE_MAX}
    )
