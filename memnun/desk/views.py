"""Staff pages: thin views over the feedback selectors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from memnun.accounts.models import User
from memnun.feedback.codes import FeedbackType, ObligationKind, Status
from memnun.feedback.errors import FieldErrors, NotPermitted
from memnun.feedback.models import Feedback
from memnun.feedback.permissions import queue_office_scope
from memnun.feedback.selectors_queue import queue_page
from memnun.organisation.models import Office

QUEUE_PAGE = 50


class DeskLoginView(LoginView):
    template_name = "desk/login.html"
    redirect_authenticated_user = True


def home(request: HttpRequest) -> HttpResponse:
    return redirect("desk:queue")


@dataclass(frozen=True)
class QueueRow:
    """One case as the queue page shows it; the state is spelled out, not only coloured."""

    reference: str
    type: str
    status: str
    office: str
    received_at: datetime
    due_at: datetime | None
    due: str
    state: str  # "late", "at_risk", "on_track" or "" (nothing running)
    state_label: str


_STATES = {
    "late": _("Late"),
    "at_risk": _("At risk"),
    "on_track": _("On track"),
    "": _("Nothing due"),
}


def _row(feedback: Feedback, now: datetime) -> QueueRow:
    due = feedback.next_due_at
    if due is None:
        state = ""
    elif due < now:
        state = "late"
    elif feedback.next_warn_at is not None and feedback.next_warn_at <= now:
        state = "at_risk"
    else:
        state = "on_track"
    return QueueRow(
        reference=feedback.reference,
        type=str(FeedbackType(feedback.type).label),
        status=str(Status(feedback.status).label),
        office=feedback.office.name,
        received_at=feedback.received_at,
        due_at=due,
        due=str(ObligationKind(feedback.next_due_kind).label) if feedback.next_due_kind else "",
        state=state,
        state_label=str(_STATES[state]),
    )


@require_GET
@login_required
def queue(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    office = request.GET.get("office") or None
    cursor = request.GET.get("cursor") or None
    try:
        page = queue_page(user=user, office=office, limit=QUEUE_PAGE, cursor=cursor)
    except NotPermitted as exc:
        raise PermissionDenied(exc.detail) from exc
    except FieldErrors:
        # A stale or hand-edited link: start again from the top of the queue.
        return redirect("desk:queue")
    now = timezone.now()
    next_url = None
    if page.next:
        query = {"cursor": page.next, **({"office": office} if office else {})}
        next_url = f"{reverse('desk:queue')}?{urlencode(query)}"
    first_url = reverse("desk:queue") + (f"?{urlencode({'office': office})}" if office else "")
    offices = (
        list(Office.objects.filter(is_active=True).order_by("name"))
        if queue_office_scope(user) is None
        else []
    )
    return render(
        request,
        "desk/queue.html",
        {
            "rows": [_row(f, now) for f in page.items],
            "office": page.office,
            "offices": offices,
            "selected_office": office or "",
            "next_url": next_url,
            "first_url": first_url if cursor else None,
        },
    )
