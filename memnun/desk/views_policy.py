"""The complaints-handling policy in the desk: its versions (drafted by quality, approved
by top management, published), the acknowledgement staff give at login, the report of who
has not acknowledged, and the management representative's appointments.

The pages only translate forms into the services (feedback/services/policy.py) and the
selectors' answers (feedback/selectors/policy.py) into pages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from memnun.accounts.models import User
from memnun.desk.common import refusals_as_http, staff_user
from memnun.desk.governance_forms import (
    AppointmentForm,
    PolicyForm,
    office_chosen,
    office_scope_form,
    staff_choices,
)
from memnun.desk.policy_gate import policy_pending_clear
from memnun.feedback.errors import Conflict, FieldErrors
from memnun.feedback.permissions import POLICY_ACTIONS, Action, may
from memnun.feedback.selectors.policy import (
    acknowledgement_due,
    acknowledgement_report,
    appointments,
    policy_current,
    policy_versions,
)
from memnun.feedback.services.policy import (
    AppointmentInput,
    PolicyText,
    policy_acknowledge,
    policy_approve,
    policy_draft,
    policy_publish,
    representative_appoint,
)
from memnun.governance.models import PolicyAcknowledgement, PolicyStatus, PolicyVersion


def _manager(request: HttpRequest) -> User:
    user = staff_user(request)
    if not any(may(user, action) for action in POLICY_ACTIONS):
        raise PermissionDenied(_("Your role may not manage the policy."))
    return user


def _page(
    request: HttpRequest, user: User, *, draft_form: PolicyForm | None = None,
    appointment_form: AppointmentForm | None = None, conflict: str = "", status: int = 200,
) -> HttpResponse:
    return render(request, "desk/policy/manage.html", {
        "versions": policy_versions(),
        "appointments": appointments(),
        "draft_form": draft_form or PolicyForm(prefix="draft"),
        "appointment_form": appointment_form or AppointmentForm(
            prefix="appoint", people=staff_choices()
        ),
        "may_draft": may(user, Action.MANAGE_POLICY),
        "may_approve": may(user, Action.APPROVE_POLICY),
        "may_publish": may(user, Action.PUBLISH_POLICY),
        "may_appoint": may(user, Action.APPOINT_REPRESENTATIVE),
        "conflict": conflict,
    }, status=status)


@require_GET
@login_required
def policy_manage(request: HttpRequest) -> HttpResponse:
    return _page(request, _manager(request))


@require_POST
@login_required
def policy_draft_new(request: HttpRequest) -> HttpResponse:
    user = _manager(request)
    form = PolicyForm(request.POST, prefix="draft")
    if form.is_valid():
        d = form.cleaned_data
        try:
            with refusals_as_http():
                version = policy_draft(actor=user, text=PolicyText(
                    text_tr=d["text_tr"], text_en=d["text_en"], effective_from=d["effective_from"],
                ))
        except FieldErrors as exc:
            form.add_service_errors(exc.fields)
        else:
            messages.success(request, _("Version %(n)s is drafted.") % {"n": version.number})
            return redirect("desk:policy")
    return _page(request, user, draft_form=form, status=422)


def _version_move(
    request: HttpRequest, number: int, move: Callable[..., PolicyVersion], done: str
) -> HttpResponse:
    user = _manager(request)
    version = PolicyVersion.objects.filter(number=number).first()
    if version is None:
        raise Http404
    try:
        with refusals_as_http():
            move(actor=user, version=version)
    except Conflict as exc:
        return _page(request, user, conflict=exc.detail, status=409)
    messages.success(request, done % {"n": number})
    return redirect("desk:policy")


@require_POST
@login_required
def policy_version_approve(request: HttpRequest, number: int) -> HttpResponse:
    return _version_move(request, number, policy_approve, _("Version %(n)s is approved."))


@require_POST
@login_required
def policy_version_publish(request: HttpRequest, number: int) -> HttpResponse:
    return _version_move(
        request, number, policy_publish,
        _("Version %(n)s is published: the portal shows it and staff acknowledge it at their"
          " next login."),
    )


@require_POST
@login_required
def policy_representative_appoint(request: HttpRequest) -> HttpResponse:
    user = _manager(request)
    form = AppointmentForm(request.POST, prefix="appoint", people=staff_choices())
    if form.is_valid():
        d = form.cleaned_data
        try:
            with refusals_as_http():
                representative_appoint(actor=user, data=AppointmentInput(
                    username=d["username"], starts_on=d["starts_on"], ends_on=d["ends_on"],
                    text=d["text"],
                ))
        except FieldErrors as exc:
            form.add_service_errors(exc.fields)
        except Conflict as exc:
            return _page(request, user, appointment_form=form, conflict=exc.detail, status=409)
        else:
            messages.success(request, _("The management representative's appointment is"
                                        " recorded."))
            return redirect("desk:policy")
    return _page(request, user, appointment_form=form, status=422)


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


@require_http_methods(["GET", "POST"])
@login_required
def policy_acknowledge_page(request: HttpRequest) -> HttpResponse:
    """The published policy, with "I have read it" while the person has not acknowledged it."""
    user = staff_user(request)
    if request.method == "POST":
        version = PolicyVersion.objects.filter(
            number=request.POST.get("version") or 0, status=PolicyStatus.PUBLISHED
        ).first()
        if version is not None:
            policy_acknowledge(actor=user, version=version)
        if acknowledgement_due(user=user) is None:
            policy_pending_clear(request)
            messages.success(request, _("Thank you: your acknowledgement is recorded."))
            return redirect(_next(request) or "desk:home")
        # A newer version was published meanwhile: that one now.
    current = policy_current()
    ack = (
        PolicyAcknowledgement.objects.filter(user=user, version=current).first()
        if current else None
    )
    if current is None:
        policy_pending_clear(request)
    return render(request, "desk/policy/acknowledge.html", {
        "version": current, "acknowledgement": ack, "next": _next(request),
    })


@require_GET
@login_required
def policy_report(request: HttpRequest) -> HttpResponse:
    """Who has not acknowledged the published version; the representative's appointments."""
    user = staff_user(request)
    if not may(user, Action.VIEW_REPORTS):
        raise PermissionDenied(_("Your role may not read reports."))
    context: dict[str, Any] = {}
    form = office_scope_form(request, user)
    with refusals_as_http():
        context["report"] = acknowledgement_report(user=user, office=office_chosen(form))
    context["form"] = form
    return render(request, "desk/policy/report.html", context)

