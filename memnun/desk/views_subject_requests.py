"""The data subjects' requests on the desk (K6, K8): the register with each answer's due
date, a new request, and one request with its actions — export what is held (JSON, PDF),
rectify the customer's data, erase (with a confirmation), answer with reasons.

Thin: each POST hands a form's input to one service in
`dataprotection/services/subject_requests.py` and answers with a redirect and a message,
the page again with the errors beside the fields (422), the refusal at the top (409), or
403 when the role may not.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from memnun.accounts.models import User
from memnun.dataprotection import rules
from memnun.dataprotection.models import RequestStatus, SubjectRequest, SubjectRight
from memnun.dataprotection.services import subject_requests as service
from memnun.desk import subject_request_forms as rf
from memnun.desk.common import form_step, refusals_as_http, staff_user
from memnun.feedback.errors import FieldErrors
from memnun.feedback.permissions import Action, may
from memnun.webforms import ServiceErrors, pdf_response


def _allowed(user: User) -> None:
    if not may(user, Action.MANAGE_SUBJECT_REQUESTS):
        raise PermissionDenied(_("Your role may not work the data subjects' requests."))


def _request(user: User, request_id: int) -> SubjectRequest:
    with refusals_as_http():
        return service.request_get(user=user, request_id=request_id)


def _due_state(row: SubjectRequest, now: Any) -> str:
    """How the answer's due date stands: "late", "soon" (within the first alert) or ""."""
    if row.status != RequestStatus.OPEN:
        return ""
    if now >= row.due_at:
        return "late"
    return "soon" if rules.request_alert_stage(due_at=row.due_at, now=now) else ""


@require_GET
@login_required
def register(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    with refusals_as_http():
        rows = service.requests_list(user=user)
    now = timezone.now()
    return render(request, "desk/privacy/requests/list.html", {
        "rows": [(r, _due_state(r, now)) for r in rows],
    })


@require_http_methods(["GET", "POST"])
@login_required
def new(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    _allowed(user)
    form = rf.RequestForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            d = form.cleaned_data
            try:
                row = service.request_record(
                    actor=user, right=d["right"], email=d["email"], phone=d["phone"],
                    identity_check=d["identity_check"], language=d["language"],
                    received_at=d["received_at"],
                )
            except FieldErrors as exc:
                form.add_service_errors(exc.fields)
            else:
                messages.success(request, _(
                    "The request is recorded: answer it by %(due)s."
                ) % {"due": timezone.localtime(row.due_at).strftime("%d.%m.%Y")})
                return redirect("desk:subject_request", request_id=row.pk)
    return render(request, "desk/privacy/requests/new.html", {"form": form}, status=status)


def _page(
    request: HttpRequest, row: SubjectRequest, *, bound: dict[str, ServiceErrors] | None = None,
    conflict: str = "", status: int = 200,
) -> HttpResponse:
    bound = bound or {}
    is_open = row.status == RequestStatus.OPEN
    erasable = is_open and row.right in (SubjectRight.ERASURE, SubjectRight.OBJECTION)
    cases = list(row.cases.select_related("customer").order_by("received_at", "id"))
    return render(request, "desk/privacy/requests/detail.html", {
        "row": row,
        "due_state": _due_state(row, timezone.now()),
        "cases": [(c, None if c.anonymised_at else service.erasure_keep_reason(c))
                  for c in cases],
        "rectify_form": (bound.get("rectify") or rf.RectifyForm(prefix="rectify"))
        if is_open else None,
        "erase_form": (bound.get("erase") or rf.EraseForm(prefix="erase")) if erasable else None,
        "answer_form": (bound.get("answer") or rf.AnswerForm(prefix="answer"))
        if is_open else None,
        "complaint_sentence": service.complaint_right_sentence(row.language),
        "conflict": conflict,
    }, status=status)


@require_GET
@login_required
def detail(request: HttpRequest, request_id: int) -> HttpResponse:
    return _page(request, _request(staff_user(request), request_id))


@require_GET
@login_required
def export(request: HttpRequest, request_id: int, fmt: str) -> HttpResponse:
    """What is held about the person, as a JSON download or a readable PDF."""
    user = staff_user(request)
    row = _request(user, request_id)
    if fmt not in ("json", "pdf"):
        raise Http404
    with refusals_as_http():
        data = service.request_export(actor=user, request=row)
    if fmt == "json":
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json",
        )
        response["Content-Disposition"] = f'attachment; filename="{row.number}.json"'
    else:
        response = pdf_response(
            html=render_to_string("desk/privacy/requests/export_pdf.html",
                                  {"row": row, "data": data}, request),
            base_url=request.build_absolute_uri("/"), filename=f"{row.number}.pdf",
        )
    response["Cache-Control"] = "no-store"
    return response


def _run(
    request: HttpRequest, row: SubjectRequest, key: str, form: ServiceErrors,
    write: Callable[[], str],
) -> HttpResponse:
    def again(conflict: str, status: int) -> HttpResponse:
        row.refresh_from_db()
        return _page(request, row, bound={key: form}, conflict=conflict, status=status)

    return form_step(request, form, write, page=again,
                     done_url=reverse("desk:subject_request", kwargs={"request_id": row.pk}))


@require_POST
@login_required
def act(request: HttpRequest, request_id: int, step: str) -> HttpResponse:
    user = staff_user(request)
    row = _request(user, request_id)
    _allowed(user)
    if step == "rectify":
        form = rf.RectifyForm(request.POST, prefix="rectify")

        def rectify() -> str:
            d = form.cleaned_data
            changed = service.request_rectify(actor=user, request=row,
                                              changes={d["field"]: d["value"]})
            return _("Corrected on %(n)s case(s); their recipients are to be told.") % {
                "n": len(changed)}

        return _run(request, row, "rectify", form, rectify)
    if step == "erase":
        erase = rf.EraseForm(request.POST, prefix="erase")

        def erased() -> str:
            done = service.request_erase(actor=user, request=row)
            return _("Anonymised: %(anonymised)s case(s); kept: %(kept)s (see why below).") % {
                "anonymised": len(done.anonymised), "kept": len(done.kept)}

        return _run(request, row, "erase", erase, erased)
    if step == "answer":
        answer = rf.AnswerForm(request.POST, prefix="answer")

        def answered() -> str:
            d = answer.cleaned_data
            service.request_answer(actor=user, request=row, answer=d["answer"],
                                   refuse=d["refuse"])
            return _("The answer is recorded.")

        return _run(request, row, "answer", answer, answered)
    raise Http404
