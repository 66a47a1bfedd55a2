"""The management review's pages (R8.6): the reviews, a new review, one review (its pack
to make and download, its decisions to record and mark done, the approval).

Thin: each POST hands a form's input to one service in
`feedback/services/management_review.py` (the pack through `review_pack_job.py`) and
answers with a redirect and a message, the page again with the errors beside the fields
(422), the refusal at the top (409), or 403 when the role may not.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from memnun.accounts.models import User
from memnun.desk import review_forms as rf
from memnun.desk.common import form_step, refusals_as_http, staff_user
from memnun.desk.review_pack_job import review_pack_start
from memnun.desk.review_pack_render import pack_file_name
from memnun.feedback.errors import Conflict, FieldErrors
from memnun.feedback.permissions import Action, may
from memnun.feedback.review_models import (
    DecisionStatus,
    ManagementReview,
    PackStatus,
    ReviewStatus,
)
from memnun.feedback.selectors.management_review import (
    review_get,
    reviews_list,
    reviews_readable,
)
from memnun.feedback.selectors.reports.scope import Period
from memnun.feedback.services.management_review import (
    review_approve,
    review_decision_add,
    review_decision_done,
    review_draft,
    review_edit,
    review_pack_file,
)
from memnun.webforms import ServiceErrors

A = Action
_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _review(user: User, review_id: int) -> ManagementReview:
    with refusals_as_http():
        return review_get(user=user, review_id=review_id)


def _manager(user: User) -> None:
    if not may(user, A.MANAGE_REVIEWS):
        raise PermissionDenied(_("Your role may not do this."))


@require_GET
@login_required
def reviews(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    with refusals_as_http():
        reviews_readable(user)
    return render(request, "desk/reviews/list.html", {
        "reviews": reviews_list(user=user), "may_manage": may(user, A.MANAGE_REVIEWS),
    })


@require_http_methods(["GET", "POST"])
@login_required
def new(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    _manager(user)
    form = rf.ReviewForm(request.POST or None, initial={"attendees": [user.username]})
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                review = review_draft(actor=user, data=form.data_input())
            except FieldErrors as exc:
                form.add_service_errors(exc.fields)
            else:
                messages.success(request, _("The review is recorded: make its pack."))
                return redirect("desk:review", review_id=review.pk)
    return render(request, "desk/reviews/new.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def edit(request: HttpRequest, review_id: int) -> HttpResponse:
    """A draft's date, period and attendees."""
    user = staff_user(request)
    review = _review(user, review_id)
    _manager(user)
    if review.status != ReviewStatus.DRAFT:
        raise Http404
    form = rf.ReviewForm(request.POST or None, initial={
        "meeting_on": review.meeting_on, "period_from": review.period_from,
        "period_to": review.period_to, "other_attendees": review.other_attendees,
        "attendees": [u.username for u in review.attendees.all()],
    })
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                review_edit(actor=user, review=review, data=form.data_input())
            except FieldErrors as exc:
                form.add_service_errors(exc.fields)
            except Conflict as exc:
                form.add_error(None, exc.detail)
                status = 409
            else:
                messages.success(request, _("The review is changed."))
                return redirect("desk:review", review_id=review.pk)
    return render(request, "desk/reviews/new.html", {"form": form, "review": review},
                  status=status)


def _pack_context(review: ManagementReview) -> dict[str, object]:
    waiting = review.pack_status in (PackStatus.QUEUED, PackStatus.RUNNING)
    return {
        "review": review, "waiting": waiting,
        "percent": round(100 * review.pack_done / review.pack_total) if review.pack_total
        else 0,
    }


def _page(
    request: HttpRequest, user: User, review: ManagementReview, *,
    bound: dict[str, ServiceErrors] | None = None, conflict: str = "", status: int = 200,
) -> HttpResponse:
    bound = bound or {}
    draft = review.status == ReviewStatus.DRAFT
    manages = may(user, A.MANAGE_REVIEWS)
    return render(request, "desk/reviews/review.html", {
        **_pack_context(review),
        "attendees": list(review.attendees.all()),
        "decisions": list(review.decisions.all()),
        "may_mark_done": manages,
        "pack_form": (bound.get("pack") or rf.PackForm(prefix="pack")) if draft and manages
        else None,
        "decision_form": (bound.get("decision") or rf.DecisionForm(prefix="decision"))
        if draft and manages else None,
        "may_approve": draft and may(user, A.APPROVE_REVIEWS),
        "conflict": conflict,
    }, status=status)


@require_GET
@login_required
def review_page(request: HttpRequest, review_id: int) -> HttpResponse:
    user = staff_user(request)
    return _page(request, user, _review(user, review_id))


@require_GET
@login_required
def pack_progress(request: HttpRequest, review_id: int) -> HttpResponse:
    """The pack block alone, which the page asks for every two seconds (htmx)."""
    review = _review(staff_user(request), review_id)
    return render(request, "desk/reviews/_pack.html", _pack_context(review))


@require_GET
@login_required
def pack_file(request: HttpRequest, review_id: int, kind: str) -> FileResponse:
    review = _review(staff_user(request), review_id)
    if kind not in _CONTENT_TYPES:
        raise Http404
    with refusals_as_http():
        path = review_pack_file(review=review, kind=kind)
    period = Period(start=review.period_from, end=review.period_to)
    return FileResponse(path.open("rb"), as_attachment=True,
                        filename=pack_file_name(period, kind), content_type=_CONTENT_TYPES[kind])


def _run(
    request: HttpRequest, user: User, review: ManagementReview, key: str,
    form: ServiceErrors, write: Callable[[], str],
) -> HttpResponse:
    """Run a service for a valid form; on refusal, the page again with why."""

    def page(conflict: str, status: int) -> HttpResponse:
        fresh = _review(user, review.pk)
        return _page(request, user, fresh, bound={key: form}, conflict=conflict, status=status)

    return form_step(request, form, write, done_url=reverse("desk:review", args=[review.pk]),
                     page=page)


@require_POST
@login_required
def review_do(request: HttpRequest, review_id: int, step: str) -> HttpResponse:
    user = staff_user(request)
    review = _review(user, review_id)
    if step == "approve":
        if not may(user, A.APPROVE_REVIEWS):
            raise PermissionDenied(_("Only top management approves a management review."))

        def approve() -> str:
            review_approve(actor=user, review=review)
            return _("The review is approved.")

        return _run(request, user, review, "approve", rf.EmptyForm(request.POST), approve)
    _manager(user)
    if step == "pack":
        form: ServiceErrors = rf.PackForm(request.POST, prefix="pack")

        def make_pack() -> str:
            review_pack_start(actor=user, review=review,
                              language=form.cleaned_data["language"])
            return _("The pack is being made; this page shows when it is ready.")

        return _run(request, user, review, "pack", form, make_pack)
    if step == "decision":
        decision_form = rf.DecisionForm(request.POST, prefix="decision")

        def add() -> str:
            d = decision_form.cleaned_data
            decision = review_decision_add(actor=user, review=review, text=d["text"],
                                           action=d["action"], objective=d.get("objective"))
            if decision.capa is not None:
                return _("The decision is recorded and %(capa)s opened for it.") % {
                    "capa": decision.capa.number}
            return _("The decision is recorded.")

        return _run(request, user, review, "decision", decision_form, add)
    raise Http404


@require_POST
@login_required
def decision_done(request: HttpRequest, review_id: int, decision_id: int) -> HttpResponse:
    user = staff_user(request)
    review = _review(user, review_id)
    _manager(user)
    decision = review.decisions.filter(pk=decision_id, status=DecisionStatus.OPEN).first()
    if decision is None:
        raise Http404

    def done() -> str:
        review_decision_done(actor=user, decision=decision)
        return _("The decision is marked done.")

    return _run(request, user, review, f"d{decision.pk}", rf.EmptyForm(request.POST), done)
