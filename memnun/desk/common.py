"""Small helpers shared by the desk views."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from memnun.accounts.models import User
from memnun.feedback.errors import Conflict, FieldErrors, NotFound, NotPermitted
from memnun.webforms import ServiceErrors


def staff_user(request: HttpRequest) -> User:
    """The signed-in member of staff (views are behind login_required)."""
    user = request.user
    assert isinstance(user, User)
    return user


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


def form_step(
    request: HttpRequest, form: ServiceErrors, write: Callable[[], str], *, done_url: str,
    page: Callable[[str, int], HttpResponse],
) -> HttpResponse:
    """A register page's step: run the service for a valid form, then redirect to `done_url`
    with its message; otherwise `page(conflict, status)` again — the field errors beside
    the fields (422) or the refusal at the top (409)."""
    conflict, status = "", 422
    if form.is_valid():
        try:
            with refusals_as_http():
                done = write()
        except FieldErrors as exc:
            form.add_service_errors(exc.fields)
        except Conflict as exc:
            conflict, status = exc.detail, 409
        else:
            messages.success(request, done)
            return redirect(done_url)
    return page(conflict, status)
