"""The published complaints-handling policy on the portal, in Turkish and English (R5.3)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.test import Client

from memnun.feedback.services.policy import policy_draft
from tests.casework import user
from tests.feedback.policies import TEXT, published

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "text", "heading"),
    [("tr", "Şikâyetleri ücretsiz, adil ve gizlilik içinde ele alırız.", "<h1>"),
     ("en", "We handle complaints free of charge, fairly and in confidence.",
      "<h1>Complaints-handling policy</h1>")],
)
def test_the_published_version_in_each_language(
    demo: None, language: str, text: str, heading: str
) -> None:
    published()
    policy_draft(actor=user("quality"), text=replace(TEXT, text_en="An unapproved draft."))
    response = Client().get("/policy/", HTTP_ACCEPT_LANGUAGE=language)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}">' in html
    assert text in html and "unapproved draft" not in html
    assert "<li>" in html  # the list items of the text
    assert heading in html


def test_the_footer_and_home_link_to_it(demo: None) -> None:
    html = Client().get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert html.count('href="/policy/"') == 2


def test_before_any_publication(demo: None) -> None:
    html = Client().get("/policy/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "will be published here" in html
