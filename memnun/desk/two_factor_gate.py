"""After the password, the one-time code: nothing of the desk or the admin opens before it.

At login (`user_logged_in`, the desk's or the admin's form) the session notes what the
person owes (accounts/two_factor.py decides): the code of the app they enrolled, or an
enrolment, for a role that requires two-factor. Until the session is verified (django-otp
keeps the device in it), every desk and admin page leads to the verification or the
enrolment page; only those, signing in and signing out stay open. The API is not held
up here: a token is given only with the code (api/routes/feedback.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from memnun.accounts.models import User
from memnun.accounts.sessions import STAFF_PATHS
from memnun.accounts.two_factor import Step, two_factor_step
from memnun.desk.common import detour

OWED = "memnun_two_factor_owed"


def two_factor_owed_note(
    sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    """Connected to `user_logged_in` (DeskConfig.ready)."""
    session = getattr(request, "session", None)
    if session is None or not isinstance(user, User):
        return
    step = two_factor_step(user=user)
    if step is None:
        session.pop(OWED, None)
    else:
        session[OWED] = step.value


def two_factor_owed(request: HttpRequest) -> Step | None:
    """What this session still owes: None once verified, or when nothing was owed."""
    owed = request.session.get(OWED)
    if owed is None:
        return None
    if request.user.is_verified():  # type: ignore[union-attr]
        return None
    return Step(owed)


def two_factor_owed_clear(request: HttpRequest) -> None:
    request.session.pop(OWED, None)


class TwoFactorGateMiddleware:
    """Costs a gated request one look at its session, loaded for the sign-in anyway."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(STAFF_PATHS) and request.user.is_authenticated:
            owed = two_factor_owed(request)
            if owed is not None:
                page = reverse("desk:two_factor_verify" if owed == Step.VERIFY
                               else "desk:two_factor")
                open_paths = {
                    page, reverse("desk:logout"), reverse("desk:login"),
                    reverse("admin:login"), reverse("admin:logout"),
                }
                if request.path not in open_paths:
                    return detour(request, page)
        return self.get_response(request)
