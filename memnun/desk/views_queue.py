"""The work queue in fair order, its filters, and the search box."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from memnun.desk.common import staff_user
from memnun.desk.forms import QueueFilterForm
from memnun.feedback.codes import Channel, FeedbackType, ObligationKind, Status
from memnun.feedback.errors import FieldErrors, NotPermitted
from memnun.feedback.models import Feedback
from memnun.feedback.permissions import Action, may, sees_every_office
from memnun.feedback.personal_fields import CUSTOMER_FIELDS
from memnun.feedback.selectors.deadline_state import DeadlineState, queue_state
from memnun.feedback.selectors.queue import queue_page
from memnun.feedback.selectors.search import CaseFilters, feedback_search
from memnun.organisation.models import Office
from memnun.personaldata.policy import Interface, present

QUEUE_PAGE = 50


@dataclass(frozen=True)
class QueueRow:
    """One case as a list shows it: personal data masked, the state spelled out in words."""

    reference: str
    type: str
    channel: str
    status: str
    office: str
    customer: str
    received_at: datetime
    due_at: datetime | None
    due: str
    state: DeadlineState
    state_label: str
    is_repeat: bool


def _row(feedback: Feedback, now: datetime, role: str) -> QueueRow:
    due = feedback.next_due_at
    state = queue_state(feedback=feedback, now=now)
    return QueueRow(
        reference=feedback.reference,
        type=str(FeedbackType(feedback.type).label),
        channel=str(Channel(feedback.channel).label),
        status=str(Status(feedback.status).label),
        office=feedback.office.name,
        customer=present(
            value=feedback.customer.name, field=CUSTOMER_FIELDS["name"], role=role,
            interface=Interface.DESK,
        ) or "—",
        received_at=feedback.received_at,
        due_at=due,
        due=str(ObligationKind(feedback.next_due_kind).label) if feedback.next_due_kind else "",
        state=state,
        state_label=str(state.label),
        is_repeat=feedback.is_repeat,
    )


@require_GET
@login_required
def queue(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    offices = (
        list(Office.objects.filter(is_active=True).order_by("name"))
        if sees_every_office(user)
        else []
    )
    form = QueueFilterForm(request.GET, offices=offices)
    if not form.is_valid():
        return redirect("desk:queue")
    filters = CaseFilters(**{
        k: form.cleaned_data.get(k) or "" for k in ("office", "status", "type", "channel")
    })
    query = form.cleaned_data["q"].strip()
    chosen: dict[str, str] = {
        k: str(v) for k, v in request.GET.items() if k != "cursor" and v
    }
    now = timezone.now()
    context = {
        "form": form, "query": query, "offices": offices, "filtered": bool(chosen),
        "may_follow_up": may(user, Action.FOLLOW_UP_SURVEYS),
    }
    if query:
        found = feedback_search(user=user, query=query, filters=filters)
        context |= {"rows": [_row(f, now, user.role) for f in found], "office": None}
        return render(request, "desk/queue.html", context)
    cursor = request.GET.get("cursor") or None
    office = request.GET.get("office") or None
    try:
        page = queue_page(
            user=user, office=office, limit=QUEUE_PAGE, cursor=cursor, status=filters.status,
            type=filters.type, channel=filters.channel,
        )
    except NotPermitted as exc:
        raise PermissionDenied(exc.detail) from exc
    except FieldErrors:
        # A stale or hand-edited link: start again from the top of the queue.
        return redirect("desk:queue")
    base = reverse("desk:queue")
    next_url = f"{base}?{urlencode({**chosen, 'cursor': page.next})}" if page.next else None
    first_url = (f"{base}?{urlencode(chosen)}" if chosen else base) if cursor else None
    context |= {
        "rows": [_row(f, now, user.role) for f in page.items],
        "office": page.office,
        "next_url": next_url,
        "first_url": first_url,
    }
    return render(request, "desk/queue.html", context)
