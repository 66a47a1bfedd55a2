"""The personal-data contact's desk: the tasks to tell a case's recipients that its data
was corrected or erased (KVKK Art. 11(1)(f), K7), each marked done once they are told."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from memnun.desk.common import refusals_as_http, staff_user
from memnun.feedback.errors import Conflict
from memnun.feedback.permissions import Action, may
from memnun.feedback.services.disclosures import recipient_notice_done, recipient_notices_open


@require_GET
@login_required
def recipient_notices(request: HttpRequest) -> HttpResponse:
    if not may(staff_user(request), Action.NOTIFY_RECIPIENTS):
        raise PermissionDenied(_("Your role may not work the recipient notifications."))
    return render(
        request, "desk/privacy/recipient_notices.html", {"tasks": list(recipient_notices_open())}
    )


@require_POST
@login_required
def recipient_notice_mark_done(request: HttpRequest, task_id: int) -> HttpResponse:
    try:
        with refusals_as_http():
            recipient_notice_done(actor=staff_user(request), notice_id=task_id)
    except Conflict as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("The task is done."))
    return redirect("desk:recipient_notices")
