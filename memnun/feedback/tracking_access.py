"""A customer's access to their feedback: reference and code, throttled; every miss looks alike."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

from memnun.feedback.models import Feedback
from memnun.feedback.references import reference_parse
from memnun.feedback.selectors.tracking import feedback_for_tracking
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


def _client_key(client: str) -> str:
    return f"track-miss:{client}"


def _reference_key(reference: str) -> str:
    canonical = reference_parse(reference) or reference.strip()[:40]
    return f"track-miss-ref:{canonical}"


def tracking_throttled(*, reference: str, client: str) -> bool:
    """Whether this client's guess at this reference is refused unheard.

    Two counts of misses in the hour, each with its own purpose:

    - per client: a client that missed `TRACK_MISSES_PER_HOUR` times is refused on every
      reference (one address cannot try many codes);
    - per reference: once a reference has drawn `TRACK_MISSES_PER_HOUR` misses (from any
      addresses: a distributed guess), only clients in good standing — fewer than
      `TRACK_GOOD_STANDING_MISSES` misses of their own this hour — are still heard on it.
      The guessers are slowed to that many tries per address, while the customer, who
      types the true code from their own address, is never locked out of their case by
      others. (A signed link from our messages opens the case without any of this.)
    """
    limit = settings.TRACK_MISSES_PER_HOUR
    client_misses = rate_count(key=_client_key(client), window_seconds=_HOUR)
    if client_misses >= limit:
        return True
    if client_misses < settings.TRACK_GOOD_STANDING_MISSES:
        return False
    return rate_count(key=_reference_key(reference), window_seconds=_HOUR) >= limit


def tracking_lookup(*, reference: str, code: str, client: str) -> TrackingResult:
    """Find a case by reference and code. Misses are counted per client and per reference."""
    if tracking_throttled(reference=reference, client=client):
        return TrackingResult(Outcome.THROTTLED)
    feedback = feedback_for_tracking(reference=reference, code=code)
    if feedback is None:
        for key in (_client_key(client), _reference_key(reference)):
            rate_hit(key=key, window_seconds=_HOUR)
        return TrackingResult(Outcome.MISS)
    return TrackingResult(Outcome.FOUND, feedback)


def tracking_link_token(*, feedback: Feedback, purpose: str = "track") -> str:
    """A signed token for links in messages: it opens this one case for one purpose
    (`track`, `agreement`, `survey`), until it expires."""
    return signing.dumps({"r": feedback.reference, "p": purpose}, salt=_LINK_SALT)


def tracking_link_reference(*, token: str, purpose: str = "track") -> str | None:
    """The reference a link token opens for `purpose`, or None (forged, other purpose, expired)."""
    try:
        data = signing.loads(
            token, salt=_LINK_SALT, max_age=settings.TRACKING_LINK_DAYS * 86400
        )
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("p") != purpose:
        return None
    reference = data.get("r")
    return reference if isinstance(reference, str) else None


def tracking_link_url(*, feedback: Feedback, purpose: str = "track") -> str:
    """The customer's link: /track/<reference> or /track/<reference>/<purpose>, signed."""
    path = f"/track/{feedback.reference}" + ("" if purpose == "track" else f"/{purpose}")
    token = tracking_link_token(feedback=feedback, purpose=purpose)
    return f"{settings.PUBLIC_URL}{path}?t={token}"
