"""Bulk actions on the queue's selection: parse the bar's form, hand it to the domain.

`feedback_bulk` (feedback/services/bulk.py) does the work, one case at a time through
the single action's service; this view only reads the form and shows the result:
in place for htmx, otherwise as messages on the list it came from (POST, redirect).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from memnun.accounts.models import User
from memnun.desk.bulk_forms import BULK_LABELS, BulkForm
from memnun.desk.common import staff_user
from memnun.feedback.errors import FieldErrors, NotPermitted
from memnun.feedback.permissions import queue_office_scope
from memnun.feedback.selectors.case import assignees_in, staff_name
from memnun.feedback.services.bulk import (
    BulkAction,
    BulkInput,
    BulkResult,
    bulk_actions_for,
    feedback_bulk,
)


def _candidates(user: User) -> list[tuple[str, str]]:
    people = assignees_in(office_id=queue_office_scope(user))
    return [(p.username, f"{staff_name(p)} ({p.get_role_display()})") for p in people]


def bulk_bar(user: User) -> dict[str, Any] | None:
    """The bar's context for a list page; None when the role may take no bulk action."""
    offered = bulk_actions_for(user)
    if not offered:
        return None
    form = BulkForm(candidates=_candidates(user) if BulkAction.ASSIGN in offered else [])
    choices = [("", _("Choose…")), *[(a.value, BULK_LABELS[a]) for a in offered]]
    return {"form": form, "choices": choices, "offered": {a.value for a in offered}}


def _back(request: HttpRequest) -> str:
    """The list the bar was on (only a queue or search page of the desk)."""
    target = request.POST.get("next", "")
    queue = reverse("desk:queue")
    return target if target.startswith(queue) else queue


def summary(result: BulkResult) -> str:
    label = BULK_LABELS[result.action]
    return ngettext(
        "%(action)s: done for %(count)s case.", "%(action)s: done for %(count)s cases.",
        len(result.done),
    ) % {"action": label, "count": len(result.done)}


def refusals_line(result: BulkResult) -> str:
    return ngettext(
        "%(count)s case was refused:", "%(count)s cases were refused:", len(result.refused)
    ) % {"count": len(result.refused)}


@require_POST
@login_required
def bulk(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    htmx = bool(request.headers.get("HX-Request"))
    form = BulkForm(request.POST, candidates=_candidates(user))
    result: BulkResult | None = None
    status = 422
    if form.is_valid():
        d = form.cleaned_data
        data = BulkInput(
            action=d["action"], references=form.references(), assignee=d["assignee"],
            category=d["category"].code if d["category"] else "", body=d["body"],
            survivor=d["survivor"],
        )
        try:
            result = feedback_bulk(actor=user, data=data)
        except NotPermitted as exc:
            # Said on the page (403), as the case page says it, not a bare error page.
            form.add_error(None, exc.detail)
            status = 403
        except FieldErrors as exc:
            form.add_service_errors(exc.fields)
    if result is not None and not htmx:
        messages.success(request, summary(result))
        for refusal in result.refused:
            messages.error(request, _("%(reference)s refused: %(reason)s") % {
                "reference": refusal.reference, "reason": refusal.reason,
            })
        return redirect(_back(request))
    context = {"bulk_form": form, "result": result, "back": _back(request),
               "summary": summary(result) if result else "",
               "refusals_line": refusals_line(result) if result else ""}
    if htmx:
        # htmx swaps 2xx answers only: the result or the form's errors, in place.
        return render(request, "desk/_bulk_result.html", context)
    return render(request, "desk/bulk_refused.html", context, status=status)
