"""The breach register's pages (K11): the list, a new breach, one breach with its
72-hour clock, the people it touched and its steps (record the Board's notification,
update the measures, notify the people, close).

Thin: each POST hands a form's input to one service in
`dataprotection/services/breaches.py` and answers with a redirect and a message, the
page again with the errors beside the fields (422), the refusal at the top (409), or
403 when the role may not.
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
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from memnun.accounts.models import User
from memnun.dataprotection import rules
from memnun.dataprotection.categories import category_labels
from memnun.dataprotection.models import Breach, BreachStatus
from memnun.dataprotection.selectors import breach_affected_people, breach_get, breaches_list
from memnun.dataprotection.services import breaches as service
from memnun.desk import breach_forms as bf
from memnun.desk.common import form_step, refusals_as_http, staff_user
from memnun.feedback.errors import FieldErrors
from memnun.feedback.permissions import Action, may
from memnun.personaldata.fields import PersonalField
from memnun.personaldata.policy import Interface, present
from memnun.text import moment_text
from memnun.webforms import ServiceErrors

A = Action


def _breach(user: User, breach_id: int) -> Breach:
    with refusals_as_http():
        return breach_get(user=user, breach_id=breach_id)


def _manager(user: User) -> None:
    if not may(user, A.MANAGE_BREACHES):
        raise PermissionDenied(_("Your role may not do this."))


@require_GET
@login_required
def register(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    with refusals_as_http():
        breaches = breaches_list(user=user)
    rows = [(b, rules.board_due_at(b.aware_at)) for b in breaches]
    return render(request, "desk/breaches/list.html", {
        "rows": rows, "now": timezone.now(), "may_manage": may(user, A.MANAGE_BREACHES),
    })


@require_http_methods(["GET", "POST"])
@login_required
def new(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    _manager(user)
    form = bf.BreachForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            d = form.cleaned_data
            try:
                breach = service.breach_record(
                    actor=user, title=d["title"], description=d["description"],
                    detected_at=d["detected_at"], aware_at=d["aware_at"],
                    data_categories=d["data_categories"], offices=d["offices"],
                    window_from=d["window_from"], window_to=d["window_to"],
                    consequences=d["consequences"], measures=d["measures"],
                )
            except FieldErrors as exc:
                form.add_service_errors(exc.fields)
            else:
                messages.success(request, _(
                    "The breach is recorded: notify the Board by %(due)s."
                ) % {"due": moment_text(rules.board_due_at(breach.aware_at))})
                return redirect("desk:breach", breach_id=breach.pk)
    return render(request, "desk/breaches/new.html", {"form": form}, status=status)


def _people(user: User, breach: Breach) -> list[dict[str, Any]]:
    """The affected people as this role sees them: contacts masked (personal-data policy)."""
    return [{
        "name": present(value=p.name, field=PersonalField.NAME, role=user.role,
                        interface=Interface.DESK),
        "email": present(value=p.email, field=PersonalField.EMAIL, role=user.role,
                         interface=Interface.DESK) if p.email else "",
        "phone": present(value=p.phone, field=PersonalField.PHONE, role=user.role,
                         interface=Interface.DESK) if p.phone else "",
        "references": p.references,
        "reachable": p.reachable,
    } for p in breach_affected_people(breach=breach)]


def _page(
    request: HttpRequest, user: User, breach: Breach, *,
    bound: dict[str, ServiceErrors] | None = None, conflict: str = "", status: int = 200,
) -> HttpResponse:
    bound = bound or {}
    manage = may(user, A.MANAGE_BREACHES)
    now = timezone.now()
    due_at = rules.board_due_at(breach.aware_at)
    is_open = breach.status == BreachStatus.OPEN
    return render(request, "desk/breaches/breach.html", {
        "breach": breach,
        "offices": list(breach.offices.all()),
        "categories": category_labels(breach.data_categories),
        "due_at": due_at,
        "late_now": is_open and now > due_at,
        "notified_late": breach.board_notified_at is not None and rules.board_late(
            aware_at=breach.aware_at, notified_at=breach.board_notified_at),
        "people": _people(user, breach),
        "board_form": (bound.get("board") or bf.BoardForm(prefix="board"))
        if manage and is_open else None,
        "measures_form": (bound.get("measures") or bf.MeasuresForm(prefix="measures", initial={
            "consequences": breach.consequences, "measures": breach.measures,
        })) if manage and breach.status != BreachStatus.CLOSED else None,
        "may_notify": manage and breach.status != BreachStatus.CLOSED,
        "may_close": manage and breach.status == BreachStatus.NOTIFIED,
        "conflict": conflict,
    }, status=status)


@require_GET
@login_required
def breach_page(request: HttpRequest, breach_id: int) -> HttpResponse:
    user = staff_user(request)
    return _page(request, user, _breach(user, breach_id))


def _run(
    request: HttpRequest, user: User, breach: Breach, key: str, form: ServiceErrors,
    write: Callable[[], str],
) -> HttpResponse:
    def again(conflict: str, status: int) -> HttpResponse:
        breach.refresh_from_db()
        return _page(request, user, breach, bound={key: form}, conflict=conflict,
                     status=status)

    return form_step(request, form, write, page=again,
                     done_url=reverse("desk:breach", kwargs={"breach_id": breach.pk}))


@require_POST
@login_required
def breach_do(request: HttpRequest, breach_id: int, step: str) -> HttpResponse:
    user = staff_user(request)
    breach = _breach(user, breach_id)
    _manager(user)
    if step == "board":
        board = bf.BoardForm(request.POST, prefix="board")

        def notified() -> str:
            d = board.cleaned_data
            service.breach_board_notified(
                actor=user, breach=breach, notified_at=d["notified_at"],
                board_reference=d["board_reference"], late_reason=d["late_reason"],
            )
            return _("The Board's notification is recorded.")

        return _run(request, user, breach, "board", board, notified)
    if step == "measures":
        measures = bf.MeasuresForm(request.POST, prefix="measures")

        def updated() -> str:
            d = measures.cleaned_data
            service.breach_measures_update(
                actor=user, breach=breach, consequences=d["consequences"],
                measures=d["measures"],
            )
            return _("The consequences and measures are saved.")

        return _run(request, user, breach, "measures", measures, updated)
    if step == "notify":
        def notify() -> str:
            n = service.breach_subjects_notify(actor=user, breach=breach)
            return ngettext(
                "A notice is queued for %(n)s person.", "Notices are queued for %(n)s people.", n,
            ) % {"n": n}

        return _run(request, user, breach, "notify", bf.StepForm(request.POST), notify)
    if step == "close":
        def close() -> str:
            service.breach_close(actor=user, breach=breach)
            return _("The breach is closed.")

        return _run(request, user, breach, "close", bf.StepForm(request.POST), close)
    raise Http404
