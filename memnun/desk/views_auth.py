"""Signing in and out of the desk."""

from __future__ import annotations

from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


class DeskLoginView(LoginView):
    template_name = "desk/login.html"
    redirect_authenticated_user = True


def home(request: HttpRequest) -> HttpResponse:
    return redirect("desk:queue")
