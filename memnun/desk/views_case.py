"""The case page, its action forms, the reveal of personal data, and its files.

Each POST finds the case the user may see (404 otherwise), hands the form's
input to one service, and answers: a redirect with a message on success
(POST/redirect/GET), the page again with the errors beside the fields, a clear
message at the top when the lifecycle refuses (409), 403 when the role may not.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from memnun.accounts.models import User
from memnun.desk.case_actions import BY_SLUG, Recorded, offered
from memnun.desk.common import staff_user
from memnun.desk.forms import RevealForm, ServiceErrors
from memnun.feedback.errors import Conflict, FieldErrors, NotFound, NotPermitted
from memnun.feedback.masking import mask_email, mask_name, mask_tail
from memnun.feedback.models import Feedback
from memnun.feedback.permissions import Action, CaseAccess, feedback_for_user
from memnun.feedback.selectors.attachments import attachment_for_staff
from memnun.feedback.selectors.case import actions_now, case_deadlines, case_timeline
from memnun.feedback.selectors.links import case_links
from memnun.feedback.services.personal_data import RevealedContact, personal_data_reveal

RECEIPT_SESSION = "desk_receipt"


def _access(user: User, reference: str) -> CaseAccess:
    try:
        return feedback_for_user(user=user, reference=reference)
    except NotFound as exc:
        raise Http404(exc.detail) from exc


def _masked(feedback: Feedback) -> RevealedContact:
    customer = feedback.customer
    return RevealedContact(
        name=mask_name(customer.name), email=mask_email(customer.email),
        phone=mask_tail(customer.phone), preferred_contact=customer.preferred_contact,
        language=customer.language, imei=mask_tail(feedback.imei),
        device_serial=mask_tail(feedback.device_serial, keep=3),
        address=mask_name(customer.address),
    )


def _context(
    request: HttpRequest, user: User, feedback: Feedback, *,
    bound: dict[str, ServiceErrors] | None = None, conflict: str = "",
    reveal_form: RevealForm | None = None, revealed: RevealedContact | None = None,
) -> dict[str, Any]:
    now_actions = actions_now(user=user, feedback=feedback)
    bound = bound or {}
    forms = [
        (spec, bound.get(spec.slug) or spec.make(user, feedback, now_actions, None, spec.slug))
        for spec in offered(now_actions)
    ]
    return {
        "feedback": feedback,
        "customer": revealed or _masked(feedback),
        "revealed": revealed is not None,
        "may_reveal": Action.REVEAL_PERSONAL_DATA in now_actions,
        "reveal_form": reveal_form or RevealForm(prefix="reveal"),
        "may_download": Action.VIEW_ATTACHMENTS in now_actions,
        "attachments": list(feedback.attachments.all()),
        "deadlines": case_deadlines(feedback=feedback),
        "timeline": case_timeline(feedback=feedback),
        "links": case_links(feedback=feedback),
        "forms": forms,
        "conflict": conflict,
        "receipt": request.session.get(RECEIPT_SESSION, {}).get("reference")
        == feedback.reference,
    }


@require_GET
@login_required
def case_page(request: HttpRequest, reference: str) -> HttpResponse:
    user = staff_user(request)
    feedback = _access(user, reference).feedback
    if feedback.reference != reference:
        return redirect("desk:case", reference=feedback.reference)
    return render(request, "desk/case.html", _context(request, user, feedback))


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
    conflict = ""
    status = 422
    if form.is_valid():
        try:
            done = spec.run(user, feedback, form.cleaned_data)
        except NotPermitted as exc:
            raise PermissionDenied(exc.detail) from exc
        except NotFound as exc:
            raise Http404(exc.detail) from exc
        except FieldErrors as exc:
            form.add_service_errors(exc.fields)
        except Conflict as exc:
            conflict, status = exc.detail, 409
        else:
            if isinstance(done, Recorded):
                # New feedback: its receipt, with the tracking code shown this once.
                request.session[RECEIPT_SESSION] = {
                    "reference": done.reference, "code": done.tracking_code,
                }
                messages.success(request, _(
                    "The customer's return is recorded as new feedback, linked to %(old)s."
                ) % {"old": feedback.reference})
                return redirect("desk:receipt", reference=done.reference)
            messages.success(request, done)
            return redirect("desk:case", reference=feedback.reference)
    feedback.refresh_from_db()
    context = _context(request, user, feedback, bound={spec.slug: form}, conflict=conflict)
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
            revealed = personal_data_reveal(
                actor=user, feedback=feedback, reason=form.cleaned_data["reason"]
            )
        except NotPermitted as exc:
            raise PermissionDenied(exc.detail) from exc
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
    try:
        found = attachment_for_staff(
            user=staff_user(request), reference=reference, attachment_id=attachment_id
        )
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    return FileResponse(
        found.file.open("rb"), as_attachment=True, filename=found.filename,
        content_type=found.content_type or "application/octet-stream",
    )
