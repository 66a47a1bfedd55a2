"""The retention page (K9) in a real browser: axe finds nothing serious or critical on the
schedule, the holds and the destruction runs, in Turkish on a wide screen and English on a
phone, where nothing runs off the screen."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from memnun.dataprotection.models import RetentionHold
from memnun.dataprotection.services.destruction import destruction_run
from tests.browser.conftest import axe_violations
from tests.browser.test_desk_journey import sign_in


@pytest.mark.parametrize(("language", "width"), [("tr", 1280), ("en", 390)])
def test_the_retention_page_passes_axe(
    live_server: Any, page_for: Any, demo: None, language: str, width: int
) -> None:
    RetentionHold.objects.create(name="Dava 2036/7", reason="Müşteri dava açtı.")
    destruction_run(now=timezone.now(), trigger="command", started_by="ops")
    page = page_for(language=language, width=width)
    sign_in(page, live_server.url, "privacy")
    page.goto(f"{live_server.url}/desk/privacy/retention/")
    assert page.locator("#schedule tbody tr").count() == 5
    assert page.locator("#holds tbody tr").count() == 1
    assert page.locator("#runs tbody tr").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert axe_violations(page) == []
