"""A customer gives feedback with a photo, reads the receipt and tracks it, in both languages."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from memnun.feedback.models import Attachment, Feedback
from tests import files

PNG = files.PNG


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "ekran.png"
    path.write_bytes(PNG)
    return path


TEXTS = {
    "tr": {
        "give": "Geri bildirim",
        "send": "gönder",
        "created": "Oluşturuldu",
        "thanks": "Teşekkür",
        "missing": "Lütfen",
    },
    "en": {
        "give": "Give feedback",
        "send": "Send feedback",
        "created": "Created",
        "thanks": "Thank you",
        "missing": "Please",
    },
}


@pytest.mark.parametrize("language", ["tr", "en"])
def test_submit_receipt_and_track(
    language: str, live_server: Any, page_for: Any, photo: Path, demo: None
) -> None:
    texts = TEXTS[language]
    page = page_for(language=language)
    page.goto(f"{live_server.url}/")
    assert page.locator("html").get_attribute("lang") == language
    page.get_by_role("link", name=re.compile(texts["give"])).first.click()

    # Sending it empty shows the errors beside the fields and in a summary.
    page.get_by_role("button", name=re.compile(texts["send"])).click()
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert page.locator(".field.has-error").count() >= 2

    page.get_by_label(re.compile("Konu|Subject")).fill("Ekran değişimi gecikti")
    page.get_by_label(re.compile("Ne oldu|what happened", re.I)).fill(
        "Telefonum üç haftadır serviste, ekran hâlâ değişmedi."
    )
    page.get_by_label(re.compile("E-posta|E-mail")).first.fill("isil@example.com")
    page.get_by_label(re.compile("Adınız|Your name")).fill("Işıl Öztürk")
    page.locator("input[type=file]").set_input_files(str(photo))
    page.locator("#id_privacy_notice").check()
    page.get_by_role("button", name=re.compile(texts["send"])).click()

    page.wait_for_url(re.compile(r"/feedback/receipt/$"))
    reference = page.locator("#reference").inner_text()
    code = page.locator("#tracking-code").inner_text()
    assert re.fullmatch(r"\d{2}-\d{6}-\d", reference)
    feedback = Feedback.objects.get(reference=reference)
    assert feedback.channel == "web" and feedback.customer.language == language
    assert Attachment.objects.get(feedback=feedback).size == len(PNG)
    assert reference not in page.title() and "Işıl" not in page.title()

    # Another browser (no session) tracks with the reference and the code.
    other = page_for(language=language, width=390)
    other.goto(f"{live_server.url}/track/")
    other.get_by_label(re.compile("Referans|Reference")).fill(reference)
    other.get_by_label(re.compile("Takip kodu|Tracking code")).fill(code.lower())
    other.get_by_role("button").last.click()
    other.wait_for_url(re.compile(rf"/track/{reference}$"))
    assert texts["created"] in other.locator("ol.timeline").inner_text()
    assert "isil@example.com" not in other.content()
