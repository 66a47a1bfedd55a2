"""Signed-in sessions end after MEMNUN_SESSION_IDLE_MINUTES without a request and
MEMNUN_SESSION_MAX_HOURS after sign-in, whatever happens in between.

The sign-in time and the last request's time are kept in the session (stamped at every
login, through `user_logged_in`); the last request's time is written at most once a
minute, so that a busy desk does not save its session on every click. Only the desk's
and the admin's requests look at it (`STAFF_PATHS`). A session found
expired is signed out before the view runs: the view answers as to anyone signed out
(the desk and the admin send to their sign-in page), and the sign-in page says why.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

SIGNED_IN_AT = "memnun_signed_in_at"
LAST_SEEN_AT = "memnun_last_seen_at"
EXPIRED = "memnun_session_expired"
_WRITE_EVERY = 60  # seconds between two writes of the last request's time
# Where staff use a signed-in session (the API takes bearer tokens; the portal has no
# accounts, and its visitors' sessions are not even loaded for this).
STAFF_PATHS = ("/desk/", "/admin/")
# Sent by a page's own refresh (the desk's notification counter polls every minute): such
# a request is not the person at work, so it never keeps an idle session alive. Sending
# it can only shorten one's own session, never lengthen it.
BACKGROUND_HEADER = "X-Memnun-Background"


def session_stamp(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """Connected to `user_logged_in` (AccountsConfig.ready)."""
    session = getattr(request, "session", None)
    if session is None:
        return
    now = int(time.time())
    session[SIGNED_IN_AT] = now
    session[LAST_SEEN_AT] = now
    session.pop(EXPIRED, None)


def session_expired(*, signed_in_at: int | None, last_seen_at: int | None, now: int) -> bool:
    """Whether a signed-in session is past its idle time or its maximum age. A session
    without the stamps (signed in before they were kept) counts as expired."""
    if signed_in_at is None or last_seen_at is None:
        return True
    idle = settings.MEMNUN_SESSION_IDLE_MINUTES * 60
    longest = settings.MEMNUN_SESSION_MAX_HOURS * 3600
    return now - last_seen_at > idle or now - signed_in_at > longest


def session_expiry_note_pop(request: HttpRequest) -> bool:
    """Whether this visitor's session was just ended for its age (said once)."""
    return bool(request.session.pop(EXPIRED, False))


class SessionExpiryMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(STAFF_PATHS) and request.user.is_authenticated:
            session = request.session
            now = int(time.time())
            if session_expired(
                signed_in_at=session.get(SIGNED_IN_AT),
                last_seen_at=session.get(LAST_SEEN_AT),
                now=now,
            ):
                logout(request)
                request.session[EXPIRED] = True
            elif (now - int(session[LAST_SEEN_AT]) >= _WRITE_EVERY
                  and BACKGROUND_HEADER not in request.headers):
                session[LAST_SEEN_AT] = now
        return self.get_response(request)
