"""Staff acknowledge each newly published policy version at their next desk login.

At login (`user_logged_in`, any login form) the session notes whether a published version
awaits the person's acknowledgement; while it does, every desk page but the
acknowledgement page itself (and signing out) leads there first. Only the desk: the API
(bearer tokens, no session) and the portal are never held up. A version published while
someone is signed in waits for their next login.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from memnun.accounts.models import User
from memnun.desk.common import detour
from memnun.feedback.selectors.policy import acknowledgement_due

PENDING = "memnun_policy_pending"


def policy_pending_note(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """Connected to `user_logged_in` (DeskConfig.ready)."""
    session = getattr(request, "session", None)
    if session is None or not isinstance(user, User):
        return
    if acknowledgement_due(user=user) is not None:
        session[PENDING] = True
    else:
        session.pop(PENDING, None)


def policy_pending_clear(request: HttpRequest) -> None:
    request.session.pop(PENDING, None)


class PolicyAcknowledgementMiddleware:
    """Costs a desk request one look at its session (loaded for the sign-in anyway) and
    nothing more: whether a version awaits is decided once, at login, and kept in the
    session. Any other request (the portal, the API, static files) is let through
    before its session is touched, so a portal visitor's session is not read for it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.path.startswith(reverse("desk:home"))
            and request.session.get(PENDING)
            and request.user.is_authenticated
        ):
            acknowledge = reverse("desk:policy_acknowledge")
            # The two-factor pages come first (desk/two_factor_gate.py, the middleware before).
            open_paths = {
                acknowledge, reverse("desk:logout"), reverse("desk:login"),
                reverse("desk:two_factor"), reverse("desk:two_factor_verify"),
            }
            if request.path not in open_paths:
                return detour(request, acknowledge)
        return self.get_response(request)
