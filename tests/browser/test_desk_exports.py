"""Staff in a real browser: a large export from the dashboard, its progress, then its file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from memnun.jobs.worker import Worker
from tests.browser.conftest import axe_violations
from tests.browser.test_desk_journey import sign_in
from tests.exports.personal_cases import FROM, PERSONAL, TO, exported_cases


@pytest.mark.parametrize("width", [1280, 390])
def test_a_large_export_shows_progress_then_the_link(
    live_server: Any, page_for: Any, demo: None, settings: Any, tmp_path: Path, width: int
) -> None:
    settings.MEMNUN_EXPORT_SYNC_MAX_ROWS = 1  # three cases make a large export
    settings.MEDIA_ROOT = tmp_path
    cases = exported_cases()
    page = page_for(language="en", width=width)
    blocked: list[str] = []
    page.on("console", lambda message: blocked.append(message.text)
            if "Content Security Policy" in message.text else None)
    sign_in(page, live_server.url, "quality")
    page.goto(f"{live_server.url}/desk/reports/?period=custom&start={FROM}&end={TO}")
    assert axe_violations(page) == []
    page.locator("#export-cases button[value=xlsx]").click()
    page.wait_for_url(f"{live_server.url}/desk/exports/**")
    assert page.locator("#export-count").inner_text().startswith("0 of 3 rows written")
    assert page.locator("#export-download").count() == 0
    assert axe_violations(page) == []

    Worker(worker_id="browser-test", periodic={}).run(once=True)
    link = page.locator("#export-download")
    link.wait_for(timeout=8_000)  # the page asks every two seconds
    assert "3 rows" in link.inner_text()
    assert page.locator("#export-status").inner_text() == "Ready"
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == f"memnun-cases-report-{FROM}-{TO}.xlsx"
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"PK")
    from tests.exports.files import every_text

    text = every_text(data)
    assert cases.istanbul.reference in text
    assert not [value for value in PERSONAL if value in text]
    assert axe_violations(page) == []
    assert blocked == []
