"""Signing in and out of the desk."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import LoginView

from memnun.accounts.sessions import session_expiry_note_pop


class DeskLoginView(LoginView):
    template_name = "desk/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["session_expired"] = session_expiry_note_pop(self.request)
        return context
