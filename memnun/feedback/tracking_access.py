"""A customer's access to their feedback: reference and code, throttled; every miss looks alike."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

from memnun.feedback.models import Feedback
from memnun.feedback.references import reference_parse
from memnun.feedback.selectors import feedback_for_tracking
from memnun.ratelimit.limiter import rate_count, rate_hit

_HOUR = 3600
_LINK_SALT = "memnun.tracking-link"


class Outcome(enum.Enum):
    FOUND = "found"
    MISS = "miss"
    THROTTLED = "throttled"


@dataclass(frozen=True)
class TrackingResult:
    outcome: Outcome
    feedback: Feedback | None = None


def _keys(reference: str, client: str) -> tuple[str, str]:
    canonical = reference_parse(reference) or reference.strip()[:40]
    return f"track-miss:{client}", f"track-miss-ref:{canonical}"


def tracking_throttled(*, reference: str, client: str) -> bool:
    limit = settings.TRACK_MISSES_PER_HOUR
    return any(rate_count(key=k, window_seconds=_HOUR) >= limit for k in _keys(reference, client))


def tracking_lookup(*, reference: str, code: str, client: str) -> TrackingResult:
    """Find a case by reference and code. Misses are counted per client and per reference."""
    if tracking_throttled(reference=reference, client=client):
        return TrackingResult(Outcome.THROTTLED)
    feedback = feedback_for_tracking(reference=reference, code=code)
    if feedback is None:
        for key in _keys(reference, client):
            rate_hit(key=key, window_seconds=_HOUR)
        return TrackingResult(Outcome.MISS)
    return TrackingResult(Outcome.FOUND, feedback)


def tracking_link_token(*, feedback: Feedback) -> str:
    """A signed token for links in messages: it opens this one case, until it expires."""
    return signing.TimestampSigner(salt=_LINK_SALT).sign(feedback.reference)


def tracking_link_reference(*, token: str) -> str | None:
    """The reference a link token opens, or None when forged or expired."""
    try:
        return signing.TimestampSigner(salt=_LINK_SALT).unsign(
            token, max_age=settings.TRACKING_LINK_DAYS * 86400
        )
    except signing.BadSignature:
        return None
