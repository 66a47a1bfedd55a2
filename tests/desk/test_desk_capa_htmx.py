"""The CAPA page's steps answer in place through htmx (the page's content alone, with the
message or the errors), and still post and redirect without script."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from memnun.feedback.capa_codes import CapaStatus, CheckResult
from memnun.feedback.capa_models import Capa
from memnun.feedback.services.capa import capa_check_record
from tests.casework import user
from tests.desk.helpers import signed_in
from tests.feedback.capas import acted, new_capa

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def _do(client: Client, capa: Capa, step: str, data: dict[str, object]) -> str:
    response = client.post(f"/desk/capa/{capa.number}/do/{step}", data, **HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<div id="capa"') and "<html" not in html
    return html


def test_the_page_s_forms_post_through_htmx_into_the_page_s_content(demo: None) -> None:
    capa = new_capa()
    html = signed_in("quality").get(f"/desk/capa/{capa.number}").content.decode()
    assert '<div id="capa"' in html
    for step in ("action", "link"):
        url = reverse("desk:capa_do", args=[capa.number, step])
        assert f'hx-post="{url}" hx-target="#capa"' in html


def test_add_done_check_reopen_and_close_in_place(demo: None) -> None:
    capa = new_capa()
    client = signed_in("quality")
    html = _do(client, capa, "action", {
        "action-description": "İkinci tedarikçiyi onayla.", "action-owner": "handler",
        "action-due_on": "2026-12-30",
    })
    assert "The action is added." in html and "İkinci tedarikçiyi onayla." in html
    assert "Actions in progress" in html
    action = capa.actions.get()
    html = _do(client, capa, "done", {"done-action": action.pk})
    assert "The action is marked done." in html and "Awaiting effectiveness check" in html

    # An ineffective check reopens it, in place.
    html = _do(client, capa, "check", {"check-result": "ineffective",
                                       "check-notes": "Gecikmeler sürüyor."})
    assert "The effectiveness check is recorded." in html
    capa.refresh_from_db()
    assert capa.status == CapaStatus.OPEN
    assert "Gecikmeler sürüyor." in html and "/do/action" in html

    # A refusal comes back in place too (htmx swaps successful answers only).
    html = _do(client, capa, "close", {})
    assert "only after an effectiveness check found it effective" in html
    assert 'role="alert"' in html

    acted(capa)
    capa_check_record(actor=user("quality"), capa=capa, result=CheckResult.EFFECTIVE, notes="ok")
    html = _do(client, capa, "close", {})
    assert "The CAPA is closed." in html and "/do/close" not in html
    capa.refresh_from_db()
    assert capa.status == CapaStatus.CLOSED


def test_field_errors_come_back_in_place(demo: None) -> None:
    capa = new_capa()
    html = _do(signed_in("quality"), capa, "action", {"action-owner": "handler"})
    assert 'id="id_action-description-error"' in html
    assert not capa.actions.exists()


def test_without_script_a_step_still_redirects_with_its_message(demo: None) -> None:
    capa = new_capa()
    client = signed_in("quality")
    response = client.post(f"/desk/capa/{capa.number}/do/action", {
        "action-description": "Talimat yaz.", "action-owner": "handler",
        "action-due_on": "2026-12-30",
    }, follow=True)
    assert response.redirect_chain[-1][1] == 302
    html = response.content.decode()
    assert "<html" in html and "The action is added." in html
