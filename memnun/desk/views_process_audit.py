"""The internal process audit's pages (R8.5): the plans, a new plan, one audit (its
sample with each case's checklist to confirm or correct, its findings), and the
conformance report with its chart and table.

Thin: each POST hands a form's input to one service in
`feedback/services/process_audit.py` and answers with a redirect and a message, the
page again with the errors beside the fields (422), the refusal at the top (409),
or 403 when the role may not.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from memnun.accounts.models import User
from memnun.desk import process_audit_forms as pf
from memnun.desk.charts import share_line_chart, svg_data_uri
from memnun.desk.common import form_step, refusals_as_http, staff_user
from memnun.feedback.errors import FieldErrors
from memnun.feedback.permissions import Action, may
from memnun.feedback.process_audit_codes import AuditStatus
from memnun.feedback.process_audit_models import AuditCheck, AuditPlan
from memnun.feedback.selectors.process_audit import (
    audit_conformance,
    audit_plan_get,
    audit_plans,
    audit_samples,
    audits_readable,
)
from memnun.feedback.services.process_audit import (
    audit_check_confirm,
    audit_finding_record,
    audit_plan_create,
    audit_plan_finish,
    audit_sample_take,
)
from memnun.webforms import ServiceErrors

A = Action


def _readable(user: User) -> None:
    with refusals_as_http():
        audits_readable(user)


def _plan(user: User, plan_id: int) -> AuditPlan:
    with refusals_as_http():
        return audit_plan_get(user=user, plan_id=plan_id)


def _manager(user: User) -> None:
    if not may(user, A.MANAGE_PROCESS_AUDITS):
        raise PermissionDenied(_("Your role may not do this."))


@require_GET
@login_required
def plans(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    _readable(user)
    return render(request, "desk/process_audit/plans.html", {
        "plans": audit_plans(user=user), "may_manage": may(user, A.MANAGE_PROCESS_AUDITS),
    })


@require_http_methods(["GET", "POST"])
@login_required
def new(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    _manager(user)
    form = pf.PlanForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            d = form.cleaned_data
            try:
                plan = audit_plan_create(
                    actor=user, title=d["title"], period_from=d["period_from"],
                    period_to=d["period_to"], offices=d["offices"], per_office=d["per_office"],
                    per_handler=d["per_handler"], seed=d["seed"],
                )
            except FieldErrors as exc:
                form.add_service_errors(exc.fields)
            else:
                messages.success(request, _("The audit is planned: draw its sample."))
                return redirect("desk:audit", plan_id=plan.pk)
    return render(request, "desk/process_audit/new.html", {"form": form}, status=status)


def _cases(plan: AuditPlan) -> list[tuple[str, str]]:
    return [(s.feedback.reference, s.feedback.reference)
            for s in plan.samples.select_related("feedback")]


def _page(
    request: HttpRequest, user: User, plan: AuditPlan, *, bound: dict[str, ServiceErrors]
    | None = None, conflict: str = "", status: int = 200,
) -> HttpResponse:
    bound = bound or {}
    working = plan.status == AuditStatus.IN_PROGRESS and may(user, A.MANAGE_PROCESS_AUDITS)
    samples = audit_samples(plan=plan)
    for sample in samples:
        for check in sample.checks.all():
            check.form = (  # type: ignore[attr-defined]
                bound.get(f"c{check.pk}") or pf.ConfirmForm(
                    prefix=f"c{check.pk}", initial={"outcome": check.outcome, "note": check.note},
                )
            ) if working else None
    return render(request, "desk/process_audit/plan.html", {
        "plan": plan,
        "offices": list(plan.offices.all()),
        "samples": samples,
        "findings": list(plan.findings.select_related("feedback", "capa", "recorded_by")),
        "may_draw": plan.status == AuditStatus.PLANNED and may(user, A.MANAGE_PROCESS_AUDITS),
        "working": working,
        "finding_form": (bound.get("finding") or pf.FindingForm(prefix="finding",
                                                                  cases=_cases(plan)))
        if working else None,
        "conflict": conflict,
    }, status=status)


@require_GET
@login_required
def plan_page(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = staff_user(request)
    return _page(request, user, _plan(user, plan_id))


def _draw(user: User, plan: AuditPlan) -> str:
    audit_sample_take(actor=user, plan=plan)
    return _("The sample is drawn and each case's checklist evaluated.")


def _finish(user: User, plan: AuditPlan) -> str:
    audit_plan_finish(actor=user, plan=plan)
    return _("The audit is finished.")


STEPS: dict[str, Callable[[User, AuditPlan], str]] = {"draw": _draw, "finish": _finish}


def _run(
    request: HttpRequest, user: User, plan: AuditPlan, key: str, form: ServiceErrors,
    write: Callable[[], str],
) -> HttpResponse:
    """Run a service for a valid form; on refusal, the page again with why."""

    def page(conflict: str, status: int) -> HttpResponse:
        plan.refresh_from_db()
        return _page(request, user, plan, bound={key: form}, conflict=conflict, status=status)

    return form_step(request, form, write, done_url=reverse("desk:audit", args=[plan.pk]),
                     page=page)


@require_POST
@login_required
def plan_do(request: HttpRequest, plan_id: int, step: str) -> HttpResponse:
    user = staff_user(request)
    plan = _plan(user, plan_id)
    _manager(user)
    if step in STEPS:
        return _run(request, user, plan, step, pf.EmptyForm(request.POST),
                    lambda: STEPS[step](user, plan))
    if step != "finding":
        raise Http404
    form = pf.FindingForm(request.POST, prefix="finding", cases=_cases(plan))

    def write_finding() -> str:
        d: dict[str, Any] = form.cleaned_data
        case = plan.samples.filter(feedback__reference=d["reference"]).first() if (
            d["reference"]) else None
        finding = audit_finding_record(
            actor=user, plan=plan, kind=d["kind"], text=d["text"],
            feedback=case.feedback if case else None,
        )
        if finding.capa is not None:
            return _("The nonconformity is recorded and %(capa)s opened for it.") % {
                "capa": finding.capa.number}
        return _("The observation is recorded.")

    return _run(request, user, plan, "finding", form, write_finding)


@require_POST
@login_required
def check_do(request: HttpRequest, plan_id: int, check_id: int) -> HttpResponse:
    user = staff_user(request)
    plan = _plan(user, plan_id)
    _manager(user)
    check = AuditCheck.objects.filter(pk=check_id, sample__plan=plan).first()
    if check is None:
        raise Http404
    form = pf.ConfirmForm(request.POST, prefix=f"c{check.pk}")

    def write() -> str:
        audit_check_confirm(actor=user, check=check, outcome=form.cleaned_data["outcome"],
                            note=form.cleaned_data["note"])
        return _("The checklist result is recorded.")

    return _run(request, user, plan, f"c{check.pk}", form, write)


@require_GET
@login_required
def report(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    _readable(user)
    form = pf.ReportForm(request.GET or None)
    by = (form.cleaned_data.get("by") if form.is_valid() else "") or "plan"
    conformance = audit_conformance(user=user, by=by)
    chart = None
    if conformance.periods:
        title = _("Checklist items passed per office (%)")
        chart = {"title": title, "src": svg_data_uri(share_line_chart(
            title=title, labels=conformance.periods, series=conformance.office_series(),
        ))}
    return render(request, "desk/process_audit/report.html", {
        "form": form, "report": conformance, "chart": chart,
    })
