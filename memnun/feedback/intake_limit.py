"""How often one client may send feedback through the public web channel.

The portal's form and the API's anonymous `POST /feedback` share one counter, so
that a sender gets the same allowance whichever door it uses; staff recording
feedback for a customer are never limited.
"""

from __future__ import annotations

from django.conf import settings

from memnun.ratelimit.limiter import rate_exceeded

_MINUTE = 60


def web_intake_throttled(*, client: str) -> bool:
    """Count one anonymous submission from `client`; True once over the per-minute limit."""
    return rate_exceeded(
        key=f"intake:{client}", limit=settings.WEB_INTAKE_PER_MINUTE, window_seconds=_MINUTE
    )
