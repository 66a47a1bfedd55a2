"""The customer's door in the API: one answer for every miss, misses throttled.

Shared by every tracking endpoint (status, agreement, survey), and counted with
the portal's tracking page (`feedback.tracking_access`), so that a guess costs
the same wherever it is made.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _

from memnun.api.errors import error_response
from memnun.feedback.models import Feedback
from memnun.feedback.tracking_access import Outcome, tracking_lookup
from memnun.ratelimit.clients import client_address


def tracked_feedback(
    request: HttpRequest, reference: str, code: str
) -> Feedback | JsonResponse:
    """The case behind reference and code, or the 429/404 answer to send instead."""
    result = tracking_lookup(reference=reference, code=code, client=client_address(request))
    if result.outcome is Outcome.THROTTLED:
        return error_response(
            429, _("Too many attempts. Try again later."), headers={"Retry-After": "3600"}
        )
    if result.feedback is None:
        return error_response(404, _("No feedback matches this reference and code."))
    return result.feedback
