"""The `Memnun-Signature` header: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "t.body")>`.

The timestamp is the moment of this attempt (a retry is signed anew), so a receiver
can refuse an old request replayed later (docs/webhooks.md: the recipe and the window).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

HEADER = "Memnun-Signature"
# What a receiver should accept: a signature at most this many seconds away from its clock.
REPLAY_WINDOW_SECONDS = 300


def secret_generate() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def signature(*, secret: str, timestamp: int, body: str) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"
