"""Administrator-edited wordings: used when active, sandboxed, previewed with sample data."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client

from memnun.accounts.models import User
from memnun.notifications.kinds import KINDS, SAMPLES
from memnun.notifications.models import MessageTemplate, OutboundMessage
from memnun.notifications.rendering import render_message
from tests.conftest import feedback_payload

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["tr", "en"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_built_in_template_renders_its_sample(kind: str, language: str) -> None:
    rendered = render_message(kind=kind, language=language, context=SAMPLES[kind])
    assert rendered.subject and "\n" not in rendered.subject
    # What the message is about: a case's reference, or a surge's category.
    about = SAMPLES[kind].get("reference") or SAMPLES[kind]["category_label"]
    assert about in rendered.subject + rendered.text
    assert rendered.text.strip() and rendered.sms.strip()
    assert rendered.html.startswith("<!DOCTYPE html>")
    assert "<gecikti>" not in rendered.html  # customer text is escaped


def test_an_active_override_is_used(demo: None, api: Client) -> None:
    MessageTemplate.objects.create(
        kind="acknowledgement", language="tr",
        subject="Kaydınız alındı: {{ reference }}",
        text="Merhaba {{ customer_name }}, konu: {{ feedback_subject }}",
        html="<p>Konu: {{ feedback_subject }}</p>",
    )
    MessageTemplate.objects.create(kind="acknowledgement", language="en", active=False,
                                   subject="Not used")
    body = api.post("/api/v1/feedback", feedback_payload(subject="<i>{{ 1|add:1 }}</i>"),
                    content_type="application/json").json()
    message = OutboundMessage.objects.get()
    assert message.subject == f"Kaydınız alındı: {body['reference']}"
    assert message.text == "Merhaba Işıl Öztürk, konu: <i>{{ 1|add:1 }}</i>\n"
    assert message.html == "<p>Konu: &lt;i&gt;{{ 1|add:1 }}&lt;/i&gt;</p>"
    # Empty fields fall back to the built-in wording.
    assert body["reference"] in message.subject


@pytest.mark.parametrize(
    "source",
    ["{% load static %}{% static 'x' %}", "{% debug %}", "{% include 'x.html' %}",
     "{% extends 'x.html' %}", "{% url 'admin:index' %}", "{{ feedback_subject|safe }}",
     "{% csrf_token %}", "{% if %}"],
)
def test_the_sandbox_refuses_what_reaches_beyond_the_values(
    demo: None, client: Client, source: str
) -> None:
    client.force_login(User.objects.get(username="admin"))
    response = client.post("/admin/notifications/messagetemplate/add/", {
        "kind": "acknowledgement", "language": "tr", "active": "on",
        "subject": "", "text": source, "html": "", "sms": "",
    })
    assert response.status_code == 200  # the form again, with the error
    assert not MessageTemplate.objects.exists()


def test_a_broken_override_falls_back_to_the_built_in_wording(demo: None, api: Client) -> None:
    # Saved around the form's validation (say, by a data migration): rendering still works.
    MessageTemplate.objects.create(kind="acknowledgement", language="tr", text="{% debug %}")
    with transaction.atomic():
        api.post("/api/v1/feedback", feedback_payload(), content_type="application/json")
    assert "Bundan sonra ne olacak?" in OutboundMessage.objects.get().text


def test_admin_preview_renders_sample_data(demo: None, client: Client) -> None:
    template = MessageTemplate.objects.create(
        kind="resolution", language="tr", subject="Çözüm: {{ reference }}",
        text="{{ resolution_text }}\n{% for o in options %}* {{ o }}\n{% endfor %}",
        html="<h1>{{ feedback_subject }}</h1>", sms="",
    )
    client.force_login(User.objects.get(username="admin"))
    response = client.post("/admin/notifications/messagetemplate/", {
        "action": "preview", "_selected_action": [template.pk]})
    assert response.status_code == 302 and response["Location"].endswith(
        f"/{template.pk}/preview/")
    page = client.get(response["Location"])
    assert page.status_code == 200
    content = page.content.decode()
    assert "Çözüm: 26-000042-7" in content
    assert "* Tüketici hakem heyetine başvurabilirsiniz." in content
    assert "26-000042-7 numaralı başvurunuz için çözüm önerimiz hazır" in content  # built-in SMS
    frame = client.get(f"/admin/notifications/messagetemplate/{template.pk}/preview/html/")
    assert frame.status_code == 200
    assert frame.content.decode() == "<h1>Ekran değişimi &lt;gecikti&gt;</h1>"
    assert frame["X-Frame-Options"] == "SAMEORIGIN"
    assert "default-src 'none'" in frame["Content-Security-Policy"]


def test_preview_needs_staff(demo: None, client: Client) -> None:
    template = MessageTemplate.objects.create(kind="closed", language="en", text="x")
    client.force_login(User.objects.get(username="agent"))
    response = client.get(f"/admin/notifications/messagetemplate/{template.pk}/preview/")
    assert response.status_code == 302 and "/login/" in response["Location"]
