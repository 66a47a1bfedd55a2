"""`make screenshots`: the main portal and desk pages at desktop and phone width, both languages.

Serves a throwaway memnun (see bench/served.py) and drives Debian's Chromium with Playwright.
PNG files go to screenshots/ (not committed).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from bench.served import DEMO_PASSWORD, served

OUT = Path(__file__).resolve().parent.parent / "screenshots"
WIDTHS = {"desktop": 1280, "phone": 390}


def _shoot(page: Any, name: str) -> None:
    path = OUT / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"  {path.relative_to(OUT.parent)}", flush=True)


def _portal(page: Any, base: str, tag: str) -> None:
    page.goto(f"{base}/")
    _shoot(page, f"portal-home-{tag}")
    page.goto(f"{base}/feedback/new/")
    _shoot(page, f"portal-form-{tag}")
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_selector("#error-summary")
    _shoot(page, f"portal-form-errors-{tag}")
    page.locator("#id_subject").fill("Ekran değişimi gecikti")
    page.locator("#id_description").fill("Telefonum üç haftadır serviste, ekran hâlâ değişmedi.")
    page.locator("#id_email").fill("isil@example.com")
    page.locator("#id_privacy_notice").check()
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_url(re.compile(r"/feedback/receipt/$"))
    _shoot(page, f"portal-receipt-{tag}")
    page.locator(".actions a").first.click()
    page.wait_for_url(re.compile(r"/track/\d"))
    _shoot(page, f"portal-tracking-{tag}")
    page.goto(f"{base}/track/")
    _shoot(page, f"portal-track-form-{tag}")


def _sign_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/desk/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("form.login button[type=submit]").click()
    page.wait_for_load_state()
    # A new version of the complaints-handling policy is read once, at the next sign-in.
    if "/desk/policy/acknowledge/" in page.url:
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()


def _desk(page: Any, base: str, tag: str) -> None:
    page.goto(f"{base}/desk/login/")
    _shoot(page, f"desk-login-{tag}")
    _sign_in(page, base, "agent")
    page.goto(f"{base}/desk/queue/")
    _shoot(page, f"desk-queue-{tag}")
    first = page.locator("table a").first
    if first.count():
        first.click()
        page.wait_for_load_state()
        _shoot(page, f"desk-case-{tag}")
    page.goto(f"{base}/desk/intake/phone/")
    _shoot(page, f"desk-intake-phone-{tag}")


def _desk_day(page: Any, base: str, tag: str) -> None:
    """The desk staff work in (issue 15), as the team lead sees the demo office: the home
    they land on, a built-in view, a case with an action group open, the saved-reply
    editor; and the handler's notifications."""
    page.context.clear_cookies()
    _sign_in(page, base, "reviewer")  # lands on the home, "My work"
    _shoot(page, f"desk-home-{tag}")
    page.goto(f"{base}/desk/queue/")
    view = page.locator("nav.views a").first  # the first built-in view offered
    if view.count():
        view.click()
        page.wait_for_load_state()
        _shoot(page, f"desk-view-{tag}")
    page.goto(f"{base}/desk/queue/")
    first = page.locator("table.queue tbody th a").first
    if first.count():
        first.click()
        page.wait_for_load_state()
        group = page.locator("details.action-group > summary").first
        if group.count():
            group.click()  # one group open, as staff work
        _shoot(page, f"desk-case-actions-{tag}")
    page.goto(f"{base}/desk/saved-replies/new")
    _shoot(page, f"desk-saved-reply-editor-{tag}")
    page.context.clear_cookies()
    _sign_in(page, base, "handler")
    page.goto(f"{base}/desk/notifications/")
    _shoot(page, f"desk-notifications-{tag}")


def _reports(page: Any, base: str, tag: str) -> None:
    """The KPI dashboard and a figure's cases, as the quality manager sees them (agents may not
    read reports)."""
    page.context.clear_cookies()
    _sign_in(page, base, "quality")
    page.goto(f"{base}/desk/reports/")
    _shoot(page, f"desk-reports-{tag}")
    # A figure followed to the cases behind it: this month's received cases.
    total = page.locator("#received-total-link")
    if total.count():
        total.click()
        page.wait_for_url(re.compile(r"/desk/reports/cases/"))
        _shoot(page, f"desk-report-cases-{tag}")


# The improvement loop (issue 11) as the quality manager sees it, and the breach register
# as the personal-data contact does: the demo fills each of these pages.
LOOP_PAGES = {
    "quality": [("capa", "/desk/capa/"), ("reviews", "/desk/reviews/"),
                ("escalations", "/desk/reports/escalations/"),
                ("consistency", "/desk/reports/consistency/")],
    "privacy": [("breaches", "/desk/breaches/")],
}


def _loop(page: Any, base: str, tag: str) -> None:
    for username, pages in LOOP_PAGES.items():
        page.context.clear_cookies()
        _sign_in(page, base, username)
        for name, path in pages:
            page.goto(f"{base}{path}")
            _shoot(page, f"desk-{name}-{tag}")
        if username == "quality":
            # One review with its pack and decisions (the demo's approved review).
            page.goto(f"{base}/desk/reviews/")
            hrefs = page.eval_on_selector_all(
                "main a", "els => els.map(e => e.getAttribute('href'))"
            )
            review = next((h for h in hrefs if h and re.search(r"/desk/reviews/\d+$", h)), None)
            if review:
                page.goto(f"{base}{review}")
                _shoot(page, f"desk-review-{tag}")


def main(argv: list[str] | None = None) -> int:
    """`python -m scripts.screenshots [tr|en] [desktop|phone]`: every combination, or those
    named (a quicker check of one)."""
    from playwright.sync_api import sync_playwright

    wanted = set(sys.argv[1:] if argv is None else argv)
    languages = [lang for lang in ("tr", "en") if not wanted & {"tr", "en"} or lang in wanted]
    widths = {k: v for k, v in WIDTHS.items() if not wanted & set(WIDTHS) or k in wanted}

    OUT.mkdir(exist_ok=True)
    with served(workers=2) as app, sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update"],
        )
        for language in languages:
            for label, width in widths.items():
                context = browser.new_context(
                    viewport={"width": width, "height": 900},
                    extra_http_headers={"Accept-Language": language},
                )
                page = context.new_page()
                _portal(page, app.url, f"{language}-{label}")
                _desk(page, app.url, f"{language}-{label}")
                _desk_day(page, app.url, f"{language}-{label}")
                _reports(page, app.url, f"{language}-{label}")
                _loop(page, app.url, f"{language}-{label}")
                context.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
