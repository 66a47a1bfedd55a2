"""The customer's door (reference + tracking code): one answer for every miss, misses throttled.

Shared by every tracking endpoint, so that a guess at the agreement or survey
endpoint costs the same as a guess at the status page.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _

from memnun.api.auth import client_address
from memnun.api.errors import error_response
from memnun.feedback.models import Feedback
from memnun.feedback.selectors import feedback_for_tracking
from memnun.ratelimit.limiter import rate_count, rate_hit

_HOUR = 3600


def _keys(request: HttpRequest, reference: str) -> tuple[str, str]:
    return f"track-miss:{client_address(request)}", f"track-miss-ref:{reference[:40]}"


def track_throttled(request: HttpRequest, reference: str) -> bool:
    limit = settings.TRACK_MISSES_PER_HOUR
    return any(
        rate_count(key=key, window_seconds=_HOUR) >= limit for key in _keys(request, reference)
    )


def track_miss(request: HttpRequest, reference: str) -> None:
    for key in _keys(request, reference):
        rate_hit(key=key, window_seconds=_HOUR)


def tracked_feedback(
    request: HttpRequest, reference: str, code: str
) -> Feedback | JsonResponse:
    """The case behind reference and code, or the 429/404 answer to send instead."""
    if track_throttled(request, reference):
        return error_response(
            429, _("Too many attempts. Try again later."), headers={"Retry-After": "3600"}
        )
    feedback = feedback_for_tracking(reference=reference, code=code)
    if feedback is None:
        track_miss(request, reference)
        return error_response(404, _("No feedback matches this reference and code."))
    return feedback
