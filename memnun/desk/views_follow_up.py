"""Low survey scores to follow up with the customer (reviewers and quality managers)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from memnun.desk.common import staff_user
from memnun.feedback.errors import NotPermitted
from memnun.feedback.selectors.surveys import LOW_SCORE_MAX, surveys_to_follow_up


@require_GET
@login_required
def follow_up(request: HttpRequest) -> HttpResponse:
    try:
        rows = surveys_to_follow_up(user=staff_user(request))
    except NotPermitted as exc:
        raise PermissionDenied(exc.detail) from exc
    return render(
        request, "desk/follow_up.html", {"rows": rows, "low_score_max": LOW_SCORE_MAX}
    )
