"""Two-factor at the desk: enrolling an authenticator app (QR code, its secret as text,
confirmation, ten recovery codes shown once), giving the code after the password, and the
API tokens a member of staff holds (an administrator sees and revokes everyone's).

The rules live in accounts/two_factor.py and accounts/tokens.py; these pages translate
forms into them. The gate that sends people here is desk/two_factor_gate.py.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from memnun.accounts.models import RecoveryCodeDevice
from memnun.accounts.tokens import token_revoke, tokens_active
from memnun.accounts.two_factor import (
    RECOVERY_CODES,
    otp_check,
    recovery_codes_left,
    totp_confirm,
    totp_pending,
    totp_qr_svg,
    totp_secret_text,
    two_factor_enrolled,
    two_factor_required,
)
from memnun.desk.common import staff_user
from memnun.desk.two_factor_gate import two_factor_owed, two_factor_owed_clear
from memnun.feedback.permissions import Action, may


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=32,
        widget=forms.TextInput(attrs={
            "autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false",
        }),
    )

    def __init__(self, *args: Any, app_only: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["code"]
        if app_only:
            field.help_text = _("The six digits your app shows now.")
            field.widget.attrs["inputmode"] = "numeric"
        else:
            field.help_text = _(
                "The six digits your app shows now, or one of your recovery codes."
            )


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Enrolment, or the state of two-factor once enrolled."""
    user = staff_user(request)
    if two_factor_enrolled(user=user):
        return render(request, "desk/two_factor/status.html", {
            "recovery_left": recovery_codes_left(user=user),
        })
    form = CodeForm(request.POST or None, app_only=True, prefix="enrol")
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            codes = totp_confirm(user=user, code=form.cleaned_data["code"])
            if codes is not None:
                device = TOTPDevice.objects.get(user=user, confirmed=True)
                otp_login(request, device)
                two_factor_owed_clear(request)
                # Shown this once, in this answer only: never cached, never again.
                return render(request, "desk/two_factor/recovery_codes.html", {
                    "codes": codes, "next": _next(request),
                })
            form.add_error("code", _("The code is wrong or expired. Enter the code your app "
                                     "shows now."))
    device = totp_pending(user=user)
    return render(request, "desk/two_factor/enrol.html", {
        "form": form,
        "qr_svg": mark_safe(totp_qr_svg(device)),  # noqa: S308 - our own SVG, no user text
        "secret": totp_secret_text(device),
        "required": two_factor_required(user=user),
        "recovery_count": RECOVERY_CODES,
        "next": _next(request),
    }, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The code after the password (the app's, or a recovery code)."""
    user = staff_user(request)
    if two_factor_owed(request) is None:
        return redirect(_next(request) or "desk:home")
    form = CodeForm(request.POST or None, app_only=False, prefix="verify")
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            device = otp_check(user=user, code=form.cleaned_data["code"])
            if device is not None:
                otp_login(request, device)
                two_factor_owed_clear(request)
                if isinstance(device, RecoveryCodeDevice):
                    messages.warning(request, _(
                        "You used a recovery code; %(left)d are left. Ask an administrator "
                        "to turn two-factor off and enrol again if you lost your phone."
                    ) % {"left": recovery_codes_left(user=user)})
                return redirect(_next(request) or "desk:home")
            form.add_error("code", _("The code is wrong or expired. Wait a moment before "
                                     "trying again."))
    return render(request, "desk/two_factor/verify.html", {
        "form": form, "next": _next(request),
    }, status=status)


@require_GET
@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    """The API tokens still valid: one's own; everyone's for an administrator."""
    user = staff_user(request)
    everyone = may(user, Action.MANAGE_API_TOKENS)
    return render(request, "desk/two_factor/tokens.html", {
        "tokens": list(tokens_active(owner=None if everyone else user)),
        "everyone": everyone,
    })


@require_POST
@login_required
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    user = staff_user(request)
    if not token_revoke(
        actor=user, token_id=token_id, anyones=may(user, Action.MANAGE_API_TOKENS)
    ):
        raise Http404(_("No such token of yours."))
    messages.success(request, _("The token is revoked: it no longer opens the API."))
    return redirect("desk:api_tokens")
