"""The CAPA register's pages (DÖF): the list, a new CAPA (also from a case), one CAPA
with its analysis, actions, effectiveness check, linked cases and history.

Thin: each POST hands a form's input to one service in `feedback/services/capa.py`
and answers with a redirect and a message, the page again with the errors beside
the fields (422), the refusal at the top (409), or 403 when the role may not. The
CAPA page's steps (add an action, mark it done, record the check — an ineffective
one reopens the CAPA —, close, link a case) post through htmx when script runs:
the answer is the page's content alone, with the message or the errors, swapped
in place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from memnun.accounts.models import User
from memnun.desk import capa_forms as cf
from memnun.desk.common import refusals_as_http, staff_user
from memnun.feedback.capa_codes import AnalysisMethod, CapaStatus, CriterionKind
from memnun.feedback.capa_models import Capa, CapaAction
from memnun.feedback.errors import Conflict, FieldErrors, NotFound, NotPermitted
from memnun.feedback.models import Feedback
from memnun.feedback.permissions import (
    Action,
    capa_in_scope,
    feedback_for_user,
    may,
    role_actions,
)
from memnun.feedback.selectors.capa import (
    capa_get,
    capa_history,
    capa_register,
    capa_sources,
)
from memnun.feedback.selectors.capa_criteria import capa_criterion_evaluate
from memnun.feedback.selectors.case import staff_name
from memnun.feedback.selectors.reports.periods import report_today
from memnun.feedback.selectors.resolution import resolution_latest
from memnun.feedback.services.capa import (
    WHYS_MAX,
    capa_action_add,
    capa_action_done,
    capa_check_record,
    capa_close,
    capa_link_case,
    capa_open,
    capa_update,
)
from memnun.webforms import ServiceErrors

A = Action


def _capa(user: User, number: str) -> Capa:
    with refusals_as_http():
        return capa_get(user=user, number=number)


def _case(user: User, reference: str) -> Feedback:
    return feedback_for_user(user=user, reference=reference).feedback


@require_GET
@login_required
def register(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    form = cf.CapaFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    with refusals_as_http():
        rows = capa_register(
            user=user, now=timezone.now(), status=filters.get("status", ""),
            office=filters.get("office", ""), overdue=filters.get("overdue", False),
        )
    return render(request, "desk/capa/register.html", {
        "form": form, "rows": rows, "may_open": may(user, A.MANAGE_CAPA),
    })


def _edit_page(
    request: HttpRequest, form: cf.CapaForm, capa: Capa | None, from_case: Feedback | None,
    conflict: str, status: int,
) -> HttpResponse:
    whys = [(form[f"why_{i}"], form[f"because_{i}"]) for i in range(1, WHYS_MAX + 1)]
    return render(request, "desk/capa/edit.html", {
        "form": form, "capa": capa, "from_case": from_case, "conflict": conflict,
        "whys_fields": whys,
    }, status=status)


def _prefill(user: User, reference: str) -> tuple[dict[str, Any], Feedback | None]:
    """A new CAPA from a case: the case its source, its category and root-cause category."""
    if not reference:
        return {}, None
    with refusals_as_http():
        feedback = _case(user, reference)
    initial: dict[str, Any] = {
        "cases": feedback.reference, "office": feedback.office,
        "category": feedback.category,
    }
    proposal = resolution_latest(feedback)
    if proposal is not None and proposal.root_cause_category is not None:
        initial["analysis_method"] = AnalysisMethod.CAUSE_CATEGORIES
        initial["cause_categories"] = [proposal.root_cause_category]
    return initial, feedback


def _save(
    request: HttpRequest, form: cf.CapaForm, write: Callable[[], Capa], done: str,
    *, capa: Capa | None, from_case: Feedback | None,
) -> HttpResponse:
    """Both CAPA forms: a valid POST goes to the service; its errors come back beside
    the fields (422) or at the top (409)."""
    conflict = ""
    if request.method == "POST" and form.is_valid():
        try:
            saved = write()
        except NotFound as exc:
            form.add_error("cases" if "cases" in form.fields else None, exc.detail)
        except NotPermitted as exc:
            raise PermissionDenied(exc.detail) from exc
        except FieldErrors as exc:
            form.add_service_errors(exc.fields)
        except Conflict as exc:
            conflict = exc.detail
        else:
            messages.success(request, done % {"number": saved.number})
            return redirect("desk:capa", number=saved.number)
    status = 200 if request.method == "GET" else (409 if conflict else 422)
    return _edit_page(request, form, capa, from_case, conflict, status)


@require_http_methods(["GET", "POST"])
@login_required
def new(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    if not may(user, A.MANAGE_CAPA):
        raise PermissionDenied(_("Your role may not open a CAPA."))
    initial, from_case = _prefill(user, request.GET.get("case", ""))
    form = cf.CapaForm(request.POST or None, new=True, initial=initial)

    def write() -> Capa:
        cases = [_case(user, r) for r in form.references()]
        return capa_open(
            actor=user, data=form.capa_input(), cases=cases, source=form.source_input()
        )

    return _save(request, form, write, _("CAPA %(number)s is opened."), capa=None,
                 from_case=from_case)


def _initial(capa: Capa) -> dict[str, Any]:
    initial: dict[str, Any] = {
        name: getattr(capa, name) for name in (
            "kind", "problem", "office", "category", "analysis_method", "findings",
            "criterion_kind", "criterion_days", "criterion_weeks", "criterion_level",
            "criterion_text", "check_planned_on",
        )
    }
    initial["cause_categories"] = list(capa.cause_categories.all())
    for why in capa.whys.all():
        initial[f"why_{why.position}"] = why.why
        initial[f"because_{why.position}"] = why.because
    return initial


@require_http_methods(["GET", "POST"])
@login_required
def edit(request: HttpRequest, number: str) -> HttpResponse:
    user = staff_user(request)
    capa = _capa(user, number)
    if not may(user, A.MANAGE_CAPA):
        raise PermissionDenied(_("Your role may not edit a CAPA."))
    form = cf.CapaForm(request.POST or None, new=False, initial=_initial(capa))

    def write() -> Capa:
        return capa_update(actor=user, capa=capa, data=form.capa_input())

    return _save(request, form, write, _("CAPA %(number)s is saved."), capa=capa,
                 from_case=None)


# --- One CAPA's page and what can be done on it -------------------------------------------


def _owners(capa: Capa) -> list[tuple[str, str]]:
    """Who may own an action of this CAPA: those who may work on it."""
    people = User.objects.filter(is_active=True).order_by("first_name", "last_name", "username")
    return [
        (p.username, f"{staff_name(p)} ({p.get_role_display()})")
        for p in people if A.MANAGE_CAPA in role_actions(p) and capa_in_scope(p, capa)
    ]


@dataclass(frozen=True)
class CapaStep:
    slug: str
    permits: Action
    make: Callable[[Any, Capa], ServiceErrors]
    run: Callable[[User, Capa, dict[str, Any]], str]


def _add_action(user: User, capa: Capa, d: dict[str, Any]) -> str:
    capa_action_add(
        actor=user, capa=capa, description=d["description"], owner=d["owner"],
        due_on=d["due_on"],
    )
    return _("The action is added.")


def _action_done(user: User, capa: Capa, d: dict[str, Any]) -> str:
    action = CapaAction.objects.filter(capa=capa, pk=d["action"]).first()
    if action is None:
        raise NotFound(_("No such action."))
    capa_action_done(actor=user, action=action)
    return _("The action is marked done.")


def _check(user: User, capa: Capa, d: dict[str, Any]) -> str:
    capa_check_record(actor=user, capa=capa, result=d["result"], notes=d["notes"])
    return _("The effectiveness check is recorded.")


def _close(user: User, capa: Capa, d: dict[str, Any]) -> str:
    capa_close(actor=user, capa=capa)
    return _("The CAPA is closed.")


def _link(user: User, capa: Capa, d: dict[str, Any]) -> str:
    capa_link_case(actor=user, capa=capa, feedback=_case(user, d["reference"]))
    return _("The case is linked.")


STEPS: dict[str, CapaStep] = {
    s.slug: s for s in (
        CapaStep("action", A.MANAGE_CAPA,
                 lambda data, capa: cf.ActionForm(data, owners=_owners(capa), prefix="action"),
                 _add_action),
        CapaStep("done", A.MANAGE_CAPA,
                 lambda data, capa: cf.ActionDoneForm(data, prefix="done"), _action_done),
        CapaStep("check", A.CHECK_CAPA,
                 lambda data, capa: cf.CheckForm(data, prefix="check"), _check),
        CapaStep("close", A.CLOSE_CAPA,
                 lambda data, capa: cf.CloseCapaForm(data, prefix="close"), _close),
        CapaStep("link", A.MANAGE_CAPA,
                 lambda data, capa: cf.LinkCaseForm(data, prefix="link"), _link),
    )
}


def _page(
    request: HttpRequest, user: User, capa: Capa, *, bound: dict[str, ServiceErrors] | None = None,
    conflict: str = "", status: int = 200, done: str = "",
) -> HttpResponse:
    """The CAPA's page; to htmx only its content (`#capa`), always 200: htmx swaps only
    successful answers, so the errors and refusals come back in place too."""
    htmx = bool(request.headers.get("HX-Request"))
    now = timezone.now()
    bound = bound or {}
    open_capa = capa.status != CapaStatus.CLOSED
    forms = {
        slug: bound.get(slug) or step.make(None, capa)
        for slug, step in STEPS.items() if open_capa and may(user, step.permits)
    }
    sources = capa_sources(capa=capa, user=user)
    template = "desk/capa/_capa.html" if htmx else "desk/capa/capa.html"
    return render(request, template, {
        "capa": capa,
        "sources": sources,
        "cases": [s.feedback for s in sources if s.feedback is not None],
        "whys": list(capa.whys.all()),
        "causes": list(capa.cause_categories.all()),
        "actions": list(capa.actions.select_related("owner", "done_by")),
        "checks": list(capa.checks.select_related("checked_by")),
        "evaluation": capa_criterion_evaluate(capa=capa, now=now),
        "measured": capa.criterion_kind != CriterionKind.JUDGED,
        "today": report_today(now=now),
        "history": capa_history(capa=capa, user=user),
        "forms": forms,
        "may_edit": open_capa and may(user, A.MANAGE_CAPA),
        "conflict": conflict,
        "done": done,
    }, status=200 if htmx else status)


@require_GET
@login_required
def capa_page(request: HttpRequest, number: str) -> HttpResponse:
    user = staff_user(request)
    capa = _capa(user, number)
    if capa.number != number:
        return redirect("desk:capa", number=capa.number)
    return _page(request, user, capa)


@require_POST
@login_required
def capa_do(request: HttpRequest, number: str, step: str) -> HttpResponse:
    spec = STEPS.get(step)
    if spec is None:
        raise Http404
    user = staff_user(request)
    capa = _capa(user, number)
    if not may(user, spec.permits):
        raise PermissionDenied(_("Your role may not do this."))
    form = spec.make(request.POST, capa)
    conflict, status = "", 422
    if form.is_valid():
        try:
            done = spec.run(user, capa, form.cleaned_data)
        except NotPermitted as exc:
            raise PermissionDenied(exc.detail) from exc
        except NotFound as exc:
            form.add_error(None, exc.detail)
        except FieldErrors as exc:
            form.add_service_errors(exc.fields)
        except Conflict as exc:
            conflict, status = exc.detail, 409
        else:
            if request.headers.get("HX-Request"):
                return _page(request, user, _capa(user, capa.number), done=done)
            messages.success(request, done)
            return redirect("desk:capa", number=capa.number)
    capa.refresh_from_db()
    return _page(request, user, capa, bound={step: form}, conflict=conflict, status=status)

