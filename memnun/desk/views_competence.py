"""Competence in the desk (ISO 10002 4.14): the staff's training records, and the
capacity of each office (open cases, their median age, handlers and trained handlers)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from memnun.desk.common import refusals_as_http, staff_user
from memnun.desk.governance_forms import (
    TrainingForm,
    office_chosen,
    office_scope_form,
    staff_choices,
)
from memnun.feedback.errors import FieldErrors
from memnun.feedback.permissions import Action, may
from memnun.feedback.selectors.capacity import capacity_by_office
from memnun.feedback.selectors.competence import training_rows
from memnun.feedback.services.competence import TrainingInput, training_record


@require_http_methods(["GET", "POST"])
@login_required
def training(request: HttpRequest) -> HttpResponse:
    """The training records, and a form to record one (quality managers, administrators)."""
    user = staff_user(request)
    if not may(user, Action.MANAGE_TRAINING):
        raise PermissionDenied(_("Your role may not keep the training records."))
    form = TrainingForm(request.POST or None, prefix="training", people=staff_choices())
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            d = form.cleaned_data
            try:
                with refusals_as_http():
                    training_record(actor=user, data=TrainingInput(
                        username=d["username"], course=d["course"],
                        completed_on=d["completed_on"], expires_on=d["expires_on"],
                        evidence=d["evidence"],
                    ))
            except FieldErrors as exc:
                form.add_service_errors(exc.fields)
            else:
                messages.success(request, _("The training is recorded."))
                return redirect("desk:training")
    return render(request, "desk/competence/training.html", {
        "form": form, "rows": training_rows(today=timezone.localdate()),
    }, status=status)


@require_GET
@login_required
def capacity(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    form = office_scope_form(request, user)
    with refusals_as_http():
        rows = capacity_by_office(user=user, office=office_chosen(form))
    return render(request, "desk/competence/capacity.html", {"form": form, "rows": rows})
