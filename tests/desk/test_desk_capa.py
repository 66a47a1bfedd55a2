"""The CAPA pages: the register, a new CAPA (also from a case), one CAPA and its steps,
the propose form's response type and CAPA link, and who may do what (403s)."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import unquote

import pytest
from django.urls import reverse

from memnun.feedback.capa_codes import CapaStatus, CheckResult
from memnun.feedback.capa_models import Capa
from memnun.feedback.services.capa import capa_check_record
from tests.casework import case_in, user
from tests.desk.helpers import all_groups_opened, signed_in
from tests.feedback.capas import acted, new_capa

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("username", "status"), [
    ("agent", 403), ("handler", 200), ("reviewer", 200), ("quality", 200), ("auditor", 200),
    ("manager", 200), ("admin", 403),
])
def test_who_reads_the_register(demo: None, username: str, status: int) -> None:
    capa = new_capa()
    client = signed_in(username)
    response = client.get("/desk/capa/")
    assert response.status_code == status
    assert client.get(f"/desk/capa/{capa.number}").status_code == status
    nav = client.get("/desk/queue/").content.decode()
    assert ('href="/desk/capa/"' in nav) is (status == 200)
    if status == 200:
        assert capa.number in response.content.decode()


@pytest.mark.parametrize(("username", "status"), [
    ("agent", 403), ("auditor", 403), ("manager", 403), ("handler", 200), ("quality", 200),
])
def test_who_opens_a_capa(demo: None, username: str, status: int) -> None:
    assert signed_in(username).get("/desk/capa/new").status_code == status


def _form(**extra: str) -> dict[str, str]:
    return {
        "kind": "corrective", "problem": "Onarım gecikmesi şikâyetleri artıyor.",
        "office": "istanbul", "category": "repair-delay", "analysis_method": "five_whys",
        "why_1": "Neden gecikiyor?", "because_1": "Parça geç geliyor.",
        "criterion_kind": "no_complaints", "criterion_days": "60", **extra,
    }


def test_a_capa_opened_from_a_case(demo: None) -> None:
    case = case_in("under_review")
    client = signed_in("handler")
    page = client.get(f"/desk/capa/new?case={case.reference}").content.decode()
    assert f'value="{case.reference}"' in page
    assert re.search(r'<option value="repair-delay" selected>', page)
    assert re.search(r'<option value="part-supply" selected>', page)

    response = client.post("/desk/capa/new", _form(cases=case.reference))
    capa = Capa.objects.get()
    assert response.status_code == 302
    assert unquote(response["Location"]) == f"/desk/capa/{capa.number}"
    assert capa.sources.get().feedback == case.feedback
    assert [(w.why, w.because) for w in capa.whys.all()] == [
        ("Neden gecikiyor?", "Parça geç geliyor.")
    ]
    case_page = client.get(f"/desk/feedback/{case.reference}").content.decode()
    assert f'href="{reverse("desk:capa", args=[capa.number])}"' in case_page


def test_a_new_capa_s_errors_are_shown_beside_the_fields(demo: None) -> None:
    response = signed_in("handler").post("/desk/capa/new", _form(
        category="", criterion_days="", why_2="Neden?",
    ))
    assert response.status_code == 422
    page = response.content.decode()
    assert "Give the CAPA&#x27;s source" in page or "Give the CAPA's source" in page
    assert not Capa.objects.exists()
    response = signed_in("handler").post("/desk/capa/new", _form(
        category="", source_kind="pareto", source_reference="Pareto, Ekim",
    ))
    assert response.status_code == 422
    assert "counts the complaints of a category" in response.content.decode()


def test_the_capa_page_shows_what_was_done(demo: None) -> None:
    case = case_in("in_progress")
    capa = new_capa(criterion_kind="no_complaints", criterion_days=60)
    client = signed_in("reviewer")
    client.post(f"/desk/capa/{capa.number}/do/link", {"link-reference": case.reference})
    response = client.post(f"/desk/capa/{capa.number}/do/action", {
        "action-description": "İkinci tedarikçiyi onayla.", "action-owner": "handler",
        "action-due_on": "2026-01-15",
    })
    assert response.status_code == 302
    page = client.get(f"/desk/capa/{capa.number}").content.decode()
    assert "Onarım gecikmesi şikâyetleri artıyor." in page
    assert "İkinci tedarikçiyi onayla." in page and "Overdue" in page
    assert f'href="/desk/feedback/{case.reference}"' in page
    assert "Not yet measurable" in page
    assert "Action added" in page and "Case linked" in page
    overdue = client.get("/desk/capa/?overdue=on").content.decode()
    assert capa.number in overdue
    action = capa.actions.get()
    assert client.post(f"/desk/capa/{capa.number}/do/done", {"done-action": action.pk}
                       ).status_code == 302
    capa.refresh_from_db()
    assert capa.status == CapaStatus.AWAITING_CHECK
    assert capa.number not in client.get("/desk/capa/?overdue=on").content.decode()


def test_the_steps_answer_403_409_and_422(demo: None) -> None:
    capa = acted(new_capa())
    close = f"/desk/capa/{capa.number}/do/close"
    check = f"/desk/capa/{capa.number}/do/check"
    assert signed_in("handler").post(check, {"check-result": "effective"}).status_code == 403
    assert signed_in("reviewer").post(close, {}).status_code == 403
    assert signed_in("auditor").post(f"/desk/capa/{capa.number}/do/action", {}
                                     ).status_code == 403
    refused = signed_in("quality").post(close, {})
    assert refused.status_code == 409
    assert "only after an effectiveness check found it effective" in refused.content.decode()
    missing = signed_in("quality").post(check, {"check-result": "ineffective"})
    assert missing.status_code == 422
    capa_check_record(actor=user("quality"), capa=capa, result=CheckResult.EFFECTIVE,
                      notes="ok")
    assert signed_in("quality").post(close, {}).status_code == 302
    capa.refresh_from_db()
    assert capa.status == CapaStatus.CLOSED
    page = signed_in("quality").get(f"/desk/capa/{capa.number}").content.decode()
    assert "/do/close" not in page and "/do/action" not in page


def _propose(client: object, reference: str, **extra: str) -> object:
    return client.post(f"/desk/feedback/{reference}/do/propose", {  # type: ignore[attr-defined]
        "propose-root_cause_category": "part-supply",
        "propose-root_cause": "Parça geç geldi.",
        "propose-corrective_action": "İkinci tedarikçi.",
        "propose-resolution": "Ekranınız yarın değiştirilecek.", **extra,
    })


def test_the_propose_form_wants_a_response_type_and_a_justification(demo: None) -> None:
    case = case_in("in_progress")
    client = signed_in("handler")
    response = _propose(client, case.reference)
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert "Response type" in response.content.decode()  # type: ignore[attr-defined]
    response = _propose(client, case.reference, **{"propose-response_type": "no_action"})
    assert response.status_code == 422  # type: ignore[attr-defined]
    page = response.content.decode()  # type: ignore[attr-defined]
    assert "needs its justification" in page
    assert 'id="id_propose-response_justification-error"' in page
    assert case.fresh().status == "in_progress"


def test_the_propose_form_opens_a_capa_from_the_case(demo: None) -> None:
    case = case_in("in_progress")
    client = signed_in("handler")
    response = _propose(client, case.reference, **{
        "propose-response_type": "replace_part", "propose-capa": "new",
    })
    assert response.status_code == 302  # type: ignore[attr-defined]
    capa = Capa.objects.get()
    assert capa.sources.get().feedback == case.feedback
    assert case.feedback.proposals.get().response_type == "replace_part"
    page = client.get(f"/desk/feedback/{case.reference}").content.decode()
    assert capa.number in page
    assert "Response type: Replace the part" in page  # on the timeline


def test_the_propose_form_links_an_existing_capa(demo: None) -> None:
    capa = new_capa()
    case = case_in("in_progress")
    page = all_groups_opened(signed_in("handler"), f"/desk/feedback/{case.reference}")
    assert f'<option value="{capa.number}">' in page
    response = _propose(signed_in("handler"), case.reference, **{
        "propose-response_type": "apology", "propose-capa": capa.number,
    })
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert capa.sources.filter(feedback=case.feedback).exists()


def test_the_register_s_queries_do_not_grow_with_its_rows(demo: None) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in("quality")
    client.get("/desk/capa/")  # the session and the user, read once
    counts = []
    for _ in range(2):
        for _ in range(3):
            acted(new_capa(), due_on=date(2026, 1, 2))
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/desk/capa/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_editing_the_analysis_and_criterion(demo: None) -> None:
    capa = new_capa(whys=[("Neden?", "Parça yok.")])
    client = signed_in("reviewer")
    page = client.get(f"/desk/capa/{capa.number}/edit").content.decode()
    assert 'value="Parça yok."' in page and 'name="cases"' not in page
    response = client.post(f"/desk/capa/{capa.number}/edit", _form(
        criterion_kind="weekly_volume", criterion_weeks="4", criterion_level="2",
        cause_categories="process", analysis_method="cause_categories", why_1="", because_1="",
    ))
    assert response.status_code == 302
    capa.refresh_from_db()
    assert (capa.criterion_kind, capa.criterion_weeks, capa.criterion_level) == (
        "weekly_volume", 4, 2
    )
    assert capa.criterion_days is None and not capa.whys.exists()
    assert [c.code for c in capa.cause_categories.all()] == ["process"]
    page = client.get(f"/desk/capa/{capa.number}").content.decode()
    assert "Problem, analysis or criterion edited" in page
    assert signed_in("auditor").get(f"/desk/capa/{capa.number}/edit").status_code == 403
