"""Browser tests: Debian's Chromium driven by Playwright against a live memnun, with axe-core."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API keeps an event loop in this thread; the ORM calls made by the
# tests themselves are ordinary blocking calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            "Debian's Chromium is missing: `make test` installs it (apt-get install chromium)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page_for(browser: Any) -> Iterator[Any]:
    """A fresh browser context (own cookies) per call; width 1280 or a phone's 390."""
    contexts: list[Any] = []

    def make(*, language: str = "tr", width: int = 1280) -> Any:
        context = browser.new_context(
            locale="tr-TR" if language == "tr" else "en-GB",
            viewport={"width": width, "height": 900},
            extra_http_headers={"Accept-Language": language},
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield make
    for context in contexts:
        context.close()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Serious and critical WCAG 2.1 A/AA violations on the current page."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: `make test` installs it with npm")
    # evaluate() runs through the DevTools protocol, so the page's CSP stays on.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag',
              values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"""
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def focus_awaited(page: Any, element_id: str) -> dict[str, str]:
    """Where the focus is once it has moved to `element_id`, or after 5 s if it never does.

    After an action in place, the script moves the focus when htmx has settled the
    swapped part, a moment after the new content appears; reading it at once races that.
    The assertion stays the caller's."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    with contextlib.suppress(PlaywrightTimeoutError):
        page.wait_for_function(
            "id => document.activeElement && document.activeElement.id === id",
            arg=element_id, timeout=5000,
        )
    return dict(page.evaluate(
        """() => ({id: document.activeElement.id, tag: document.activeElement.tagName,
                   text: document.activeElement.innerText || ''})"""
    ))
