"""Signing in to the desk in tests."""

from __future__ import annotations

from django.test import Client

from memnun.accounts.models import User


def signed_in(username: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(User.objects.get(username=username))
    return client


def forms_on(html: str) -> set[str]:
    """The action forms a page offers (their slugs)."""
    import re

    return set(re.findall(r'action="/desk/feedback/[^"]+/do/([a-z-]+)"', html))
