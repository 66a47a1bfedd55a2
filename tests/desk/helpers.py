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


def all_groups_opened(client: Client, url: str) -> str:
    """The case page as a user sees it after opening every group: the groups drawn when
    first opened are fetched as htmx does and their forms added to the page's HTML."""
    import html as html_lib
    import re

    response = client.get(url)
    assert response.status_code == 200, response.status_code
    page = response.content.decode()
    for group_url in re.findall(r'<details class="action-group"[^>]* hx-get="([^"]+)"', page):
        fragment = client.get(html_lib.unescape(group_url), HTTP_HX_REQUEST="true")
        assert fragment.status_code == 200, (group_url, fragment.status_code)
        page += fragment.content.decode()
    return page
