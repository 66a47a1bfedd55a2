"""The desk's notifications: the header's counter, the list, opening one, marking all read.

Only the signed-in person's own notifications, through `selectors/desk_notices.py`;
another's is a 404. Opening one is a POST (it changes the notification), then the case.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from memnun.desk.common import refusals_as_http, staff_user
from memnun.feedback.selectors.desk_notices import notice_of, notices_of, notices_unread_count
from memnun.feedback.services.desk_notices import notice_open, notices_read_all

PAGE_SIZE = 25


@require_GET
@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    page = Paginator(notices_of(user=user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "desk/notifications/list.html", {
        "page": page, "notices": list(page.object_list),
        "unread": notices_unread_count(user=user),
    })


@require_GET
def counter(request: HttpRequest) -> HttpResponse:
    """The counter's text alone, for the header's refresh every minute (htmx). Signed out
    (the session ended while the page stood open): 204, and htmx leaves the header as it is."""
    if not request.user.is_authenticated:
        return HttpResponse(status=204)
    return render(request, "desk/notifications/_count.html", {
        "unread": notices_unread_count(user=staff_user(request)),
    })


@require_POST
@login_required
def notification_open(request: HttpRequest, notice_id: int) -> HttpResponse:
    user = staff_user(request)
    with refusals_as_http():
        notice = notice_of(user=user, notice_id=notice_id)
    notice_open(user=user, notice=notice)
    return redirect("desk:case", notice.feedback.reference)


@require_POST
@login_required
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    done = notices_read_all(user=staff_user(request))
    messages.success(request, ngettext(
        "%(count)d notification marked read.", "%(count)d notifications marked read.", done
    ) % {"count": done})
    return redirect("desk:notifications")
