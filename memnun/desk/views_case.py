"""The case page, its action forms, the reveal of personal data, and its files.

Each POST finds the case the user may see (404 otherwise), hands the form's
input to one service, and answers: a redirect with a message on success
(POST/redirect/GET), the page again with the errors beside the fields, a clear
message at the top when the lifecycle refuses (409), 403 when the role may not.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from memnun.accounts.models import User
from memnun.desk.case_actions import (
    BY_SLUG,
    DRAWN_WITH_THE_PAGE,
    ActionGroup,
    CaseAction,
    Recorded,
    group_of,
    offered_groups,
)
from memnun.desk.common import refusals_as_http, staff_user
from memnun.desk.forms import RevealForm
from memnun.desk.views_saved_replies import (
    MESSAGE_SLUG,
    saved_reply_picker,
    saved_reply_prefilled,
)
from memnun.feedback.attachments import attachment_response
from memnun.feedback.codes import FeedbackType, Status
from memnun.feedback.errors import Conflict, FieldErrors, NotFound, NotPermitted
from memnun.feedback.escalation import level_at
from memnun.feedback.models import Customer, Feedback
from memnun.feedback.permissions import (
    Action,
    CaseAccess,
    decision_refused_why,
    feedback_for_user,
    may,
)
from memnun.feedback.personal_fields import (
    CASE_TEXT_FIELDS,
    CUSTOMER_FIELDS,
    IDENTIFYING_FIELDS,
    MESSAGE_TEXT,
    case_text_values,
    identifying_values,
)
from memnun.feedback.privacy_codes import ConsentPurpose
from memnun.feedback.selectors.capa import capas_of_case
from memnun.feedback.selectors.case import (
    TimelineEntry,
    actions_now,
    case_deadlines,
    case_timeline,
)
from memnun.feedback.selectors.links import case_links
from memnun.feedback.selectors.queue import queue_key, queue_neighbours
from memnun.feedback.selectors.repeats import repeat_window_days, repeats_of
from memnun.feedback.selectors.work_filters import filters_read
from memnun.feedback.services.consents import consents_history, consents_state
from memnun.feedback.services.disclosures import disclosures_of
from memnun.feedback.services.personal_data import attachment_open, personal_data_reveal
from memnun.personaldata.policy import Interface, present, project
from memnun.webforms import ServiceErrors

RECEIPT_SESSION = "desk_receipt"


def _access(user: User, reference: str) -> CaseAccess:
    with refusals_as_http():
        return feedback_for_user(user=user, reference=reference)


@dataclass(frozen=True)
class PersonalRow:
    label: str
    value: str


def _personal_rows(feedback: Feedback, shown: dict[str, str]) -> list[PersonalRow]:
    """The customer's identifying data in the order declared, with the model's labels."""
    return [
        PersonalRow(
            label=capfirst(str(getattr(
                (Customer if name in CUSTOMER_FIELDS else Feedback)._meta.get_field(name),
                "verbose_name", name,
            ))),
            value=shown[name],
        )
        for name in IDENTIFYING_FIELDS
    ]


def _timeline(user: User, feedback: Feedback) -> list[TimelineEntry]:
    """The timeline, the customer's words and the messages shown as the policy says."""
    return [
        replace(e, text=present(
            value=e.text, field=MESSAGE_TEXT, role=user.role, interface=Interface.DESK
        )) if e.personal else e
        for e in case_timeline(feedback=feedback)
    ]


@dataclass(frozen=True)
class ListNav:
    """Where the user came from: the list's query string and this case's neighbours in it."""

    query: str
    at: str
    back: str
    previous: str | None
    next: str | None


def _list_params(came_from: str | None, at: str | None) -> dict[str, str]:
    """The list a case page was opened from (`from`, its query string) and the case's place
    in it (`at`), as the page's links and forms carry them on."""
    if came_from is None:
        return {}
    return {"from": came_from} | ({"at": at} if at else {})


def _case_url(reference: str, query: str, at: str | None = None) -> str:
    return f"{reverse('desk:case', args=[reference])}?{urlencode(_list_params(query, at))}"


def _list_nav(
    user: User, feedback: Feedback, query: str | None, at: str | None
) -> ListNav | None:
    """The previous and next case of the queue the user came from (`?from=` its query),
    around the place the case had when opened (`at`, kept by the forms across actions)."""
    if query is None:
        return None
    given = QueryDict(query)
    if given.get("q"):
        return None  # search results are not the queue's order: no neighbours to walk
    at = at or queue_key(feedback)
    try:
        found = queue_neighbours(
            user=user, feedback=feedback, at=at, office=given.get("office") or None,
            status=given.get("status", ""), type=given.get("type", ""),
            channel=given.get("channel", ""), work=filters_read(given),
        )
    except (FieldErrors, NotPermitted):
        return None  # a hand-edited link: the page without the list's walk
    back = reverse("desk:queue") + (f"?{query}" if query else "")
    return ListNav(
        query=query, at=at, back=back,
        previous=_case_url(found.previous, query) if found.previous else None,
        next=_case_url(found.next, query) if found.next else None,
    )


def _group_forms(
    user: User, feedback: Feedback, now_actions: frozenset[Action], group: ActionGroup,
    bound: dict[str, ServiceErrors],
) -> list[tuple[CaseAction, ServiceErrors]]:
    return [
        (spec, bound.get(spec.slug) or spec.make(user, feedback, now_actions, None, spec.slug))
        for spec in group.actions
    ]


def _group_query(came_from: str | None, nav: ListNav | None) -> str:
    """What a group drawn later needs of the page: the list it came from, its place."""
    params = _list_params(came_from, nav.at if nav else None)
    return f"?{urlencode(params)}" if params else ""


def _context(
    request: HttpRequest, user: User, feedback: Feedback, *,
    bound: dict[str, ServiceErrors] | None = None, conflict: str = "",
    reveal_form: RevealForm | None = None, revealed: dict[str, str] | None = None,
    came_from: str | None = None, at: str | None = None, done: str = "", acted: str = "",
    shown_group: str = "",
) -> dict[str, Any]:
    now_actions = actions_now(user=user, feedback=feedback)
    bound = bound or {}
    history = consents_history(feedback=feedback)
    # The group of the form just used stays open: its errors, or the next step in it.
    acted = acted or next(iter(bound), "")
    open_group = group_of(acted) if acted else shown_group
    drawn = DRAWN_WITH_THE_PAGE | {open_group} | {group_of(slug) for slug in bound}
    groups = [
        (group, _group_forms(user, feedback, now_actions, group, bound)
         if group.slug in drawn else None)
        for group in offered_groups(now_actions)
    ]
    nav = _list_nav(user, feedback, came_from, at)
    timeline = _timeline(user, feedback)
    role = user.role
    shown = revealed or project(
        values=identifying_values(feedback), fields=IDENTIFYING_FIELDS, role=role,
        interface=Interface.DESK,
    )
    return {
        "feedback": feedback,
        "escalation": level_at(feedback.escalation_level) if feedback.escalation_level else None,
        "personal_rows": _personal_rows(feedback, shown),
        "texts": project(
            values=case_text_values(feedback), fields=CASE_TEXT_FIELDS, role=role,
            interface=Interface.DESK,
        ),
        "revealed": revealed is not None,
        "may_reveal": Action.REVEAL_PERSONAL_DATA in now_actions,
        "reveal_form": reveal_form or RevealForm(prefix="reveal"),
        "may_download": Action.VIEW_ATTACHMENTS in now_actions,
        "attachments": list(feedback.attachments.all()),
        "deadlines": case_deadlines(feedback=feedback),
        "timeline": timeline,
        "links": case_links(feedback=feedback),
        "capas": capas_of_case(feedback=feedback) if may(user, Action.VIEW_CAPA) else [],
        "may_open_capa": may(user, Action.MANAGE_CAPA)
        and feedback.type == FeedbackType.COMPLAINT,
        "repeats": repeats_of(feedback=feedback),
        # KVKK on the case: the notice given, the consents and their history, who it went to.
        "consents": [
            (ConsentPurpose(purpose).label, live)
            for purpose, live in consents_state(feedback=feedback, history=history).items()
        ],
        "consent_history": history,
        "disclosures": disclosures_of(feedback=feedback),
        "repeat_window_days": repeat_window_days(),
        "saved_replies": saved_reply_picker(user, feedback, now_actions),
        "groups": groups,
        "open_group": open_group,
        "group_query": _group_query(came_from, nav),
        "nav": nav,
        "came_from": came_from,
        # After an action in place: its message, and focus on the newest entry.
        "done": done,
        "conflict": conflict,
        # Why the user's role may not decide this escalated case (the ladder), if so.
        "ladder_refusal": decision_refused_why(user, feedback)
        if feedback.status == Status.UNDER_REVIEW else None,
        "receipt": request.session.get(RECEIPT_SESSION, {}).get("reference")
        == feedback.reference,
    }


@require_GET
@login_required
def case_page(request: HttpRequest, reference: str) -> HttpResponse:
    user = staff_user(request)
    feedback = _access(user, reference).feedback
    came_from = request.GET.get("from")
    if feedback.reference != reference:
        url = reverse("desk:case", args=[feedback.reference])
        return redirect(_case_url(feedback.reference, came_from) if came_from is not None else url)
    at = request.GET.get("at") or None
    return render(
        request, "desk/case.html",
        _context(
            request, user, feedback, came_from=came_from, at=at,
            bound=saved_reply_prefilled(request, user, feedback),
            shown_group=request.GET.get("group", ""),
        ),
    )


@require_GET
@login_required
def case_group(request: HttpRequest, reference: str, group: str) -> HttpResponse:
    """One group's forms, drawn when the user first opens it (htmx). Without htmx: the
    case page with the group open."""
    came_from = request.GET.get("from")
    at = request.GET.get("at") or None
    if not request.headers.get("HX-Request"):
        params = {"group": group} | _list_params(came_from, at)
        url = reverse("desk:case", args=[reference])
        return redirect(f"{url}?{urlencode(params)}#group-{group}")
    user = staff_user(request)
    feedback = _access(user, reference).feedback
    now_actions = actions_now(user=user, feedback=feedback)
    found = next((g for g in offered_groups(now_actions) if g.slug == group), None)
    return render(request, "desk/_action_group.html", {
        "feedback": feedback,
        "forms": _group_forms(user, feedback, now_actions, found, {}) if found else [],
        "came_from": came_from,
        # The hidden place in the list the forms post back (the page's `nav.at`).
        "nav": {"at": at} if at else None,
        "saved_replies": saved_reply_picker(user, feedback, now_actions)
        if group == group_of(MESSAGE_SLUG) else [],
    })


@require_POST
@login_required
def case_action(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    spec = BY_SLUG.get(action)
    if spec is None:
        raise Http404
    user = staff_user(request)
    access = _access(user, reference)
    feedback = access.feedback
    form = spec.make(user, feedback, access.actions, request.POST, spec.slug)
    form.files = request.FILES  # the file form's upload; others ignore it
    came_from = request.POST.get("from")
    at = request.POST.get("at") or None
    htmx = bool(request.headers.get("HX-Request"))
    conflict = ""
    status = 422
    if form.is_valid():
        try:
            done = spec.run(user, feedback, form.cleaned_data)
        except NotPermitted as exc:
            # The case page again, saying why (the escalation ladder's level, the assignee).
            conflict, status = exc.detail, 403
        except NotFound as exc:
            raise Http404(exc.detail) from exc
        except FieldErrors as exc:
            form.add_service_errors(exc.fields)
        except Conflict as exc:
            conflict, status = exc.detail, 409
            form.add_service_errors(exc.fields)
        else:
            if isinstance(done, Recorded):
                # New feedback: its receipt, with the tracking code shown this once.
                request.session[RECEIPT_SESSION] = {
                    "reference": done.reference, "code": done.tracking_code,
                }
                messages.success(request, _(
                    "The customer's return is recorded as new feedback, linked to %(old)s."
                ) % {"old": feedback.reference})
                receipt = reverse("desk:receipt", args=[done.reference])
                # The receipt is a page of its own: htmx goes there whole.
                return HttpResponseClientRedirect(receipt) if htmx else redirect(receipt)
            if htmx:
                # In place: the header, timeline and actions again, the case as it is now.
                feedback.refresh_from_db()
                context = _context(request, user, feedback, came_from=came_from, at=at,
                                   done=done, acted=spec.slug)
                return render(request, "desk/_case_live.html", context | {"fragment": True})
            messages.success(request, done)
            if came_from is not None:
                return redirect(_case_url(feedback.reference, came_from, at))
            return redirect("desk:case", reference=feedback.reference)
    feedback.refresh_from_db()
    context = _context(
        request, user, feedback, bound={spec.slug: form}, conflict=conflict,
        came_from=came_from, at=at,
    )
    if htmx:
        # htmx swaps only successful answers: the errors in place come back as 200 too.
        return render(request, "desk/_case_live.html", context | {"fragment": True})
    return render(request, "desk/case.html", context, status=status)


@require_POST
@login_required
def reveal(request: HttpRequest, reference: str) -> HttpResponse:
    """The customer's details unmasked, in this response only; the reveal is audited."""
    user = staff_user(request)
    feedback = _access(user, reference).feedback
    form = RevealForm(request.POST, prefix="reveal")
    revealed = None
    if form.is_valid():
        try:
            with refusals_as_http():
                revealed = personal_data_reveal(
                    actor=user, feedback=feedback, reason=form.cleaned_data["reason"]
                )
        except FieldErrors as exc:
            form.add_service_errors(exc.fields)
    context = _context(request, user, feedback, reveal_form=form, revealed=revealed)
    htmx = bool(request.headers.get("HX-Request"))
    template = "desk/_customer.html" if htmx else "desk/case.html"
    # htmx swaps only successful answers: its errors come back as 200 as well.
    response = render(request, template, context, status=200 if revealed or htmx else 422)
    # Personal data: never kept by a browser or a proxy.
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@login_required
def attachment(request: HttpRequest, reference: str, attachment_id: int) -> FileResponse:
    with refusals_as_http():
        found = attachment_open(
            actor=staff_user(request), reference=reference, attachment_id=attachment_id,
            interface=Interface.DESK,
        )
    return attachment_response(found)
