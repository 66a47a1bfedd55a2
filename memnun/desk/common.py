"""Small helpers shared by the desk views."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import urlencode

from memnun.accounts.models import User
from memnun.feedback.errors import NotFound, NotPermitted


def staff_user(request: HttpRequest) -> User:
    """The signed-in member of staff (views are behind login_required)."""
    user = request.user
    assert isinstance(user, User)
    return user


def detour(request: HttpRequest, page: str) -> HttpResponse:
    """To a page the person must pass first (the two-factor code, the policy to read),
    then back to where a GET was going."""
    target = page
    if request.method == "GET":
        target += "?" + urlencode({"next": request.get_full_path()})
    return redirect(target)


@contextmanager
def refusals_as_http() -> Iterator[None]:
    """The desk's answer to a domain refusal: NotPermitted is a 403, NotFound a 404,
    each with the service's own words. Other errors pass through to the caller."""
    try:
        yield
    except NotPermitted as exc:
        raise PermissionDenied(exc.detail) from exc
    except NotFound as exc:
        raise Http404(exc.detail) from exc
