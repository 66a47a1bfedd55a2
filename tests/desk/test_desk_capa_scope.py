"""The CAPA register's office scope: an office-bound role (handler, reviewer) reads and
works the CAPAs of its office, those linked to its office's cases and the every-office
ones no case ties elsewhere; quality, management and the auditor every CAPA."""

from __future__ import annotations

from datetime import date

import pytest

from memnun.accounts.roles import Role
from memnun.feedback.capa_codes import CheckResult
from memnun.feedback.errors import FieldErrors, NotPermitted
from memnun.feedback.services.capa import (
    CapaInput,
    capa_action_add,
    capa_check_record,
    capa_link_case,
    capa_open,
)
from tests.casework import Case, staff, user
from tests.desk.helpers import signed_in
from tests.feedback.capas import acted, new_capa

pytestmark = pytest.mark.django_db


def test_an_ankara_reviewer_cannot_open_or_work_an_istanbul_capa(demo: None) -> None:
    istanbul = new_capa(office="istanbul")
    ankara = new_capa(office="ankara")
    reviewer = staff("ankara_reviewer", Role.REVIEWER, "ankara")
    client = signed_in("ankara_reviewer")
    register = client.get("/desk/capa/").content.decode()
    assert ankara.number in register and istanbul.number not in register
    assert client.get(f"/desk/capa/{ankara.number}").status_code == 200
    assert client.get(f"/desk/capa/{istanbul.number}").status_code == 404
    assert client.get(f"/desk/capa/{istanbul.number}/edit").status_code == 404
    posted = client.post(f"/desk/capa/{istanbul.number}/do/action", {
        "action-description": "Başka bürodan.", "action-owner": "ankara_reviewer",
        "action-due_on": "2026-12-30",
    })
    assert posted.status_code == 404
    assert not istanbul.actions.exists()
    # The services refuse as well, whoever calls them.
    with pytest.raises(NotPermitted):
        capa_action_add(actor=reviewer, capa=istanbul, description="x",
                        owner="ankara_reviewer", due_on=date(2026, 12, 30))
    with pytest.raises(NotPermitted):
        capa_check_record(actor=reviewer, capa=acted(istanbul),
                          result=CheckResult.EFFECTIVE, notes="ok")
    # An İstanbul reviewer is no owner of an Ankara CAPA's action.
    with pytest.raises(FieldErrors):
        capa_action_add(actor=user("quality"), capa=ankara, description="x",
                        owner="reviewer", due_on=date(2026, 12, 30))


@pytest.mark.parametrize("username", ["quality", "auditor", "manager"])
def test_quality_management_and_the_auditor_read_every_office_s(
    demo: None, username: str
) -> None:
    ankara = new_capa(office="ankara")
    client = signed_in(username)
    assert ankara.number in client.get("/desk/capa/").content.decode()
    assert client.get(f"/desk/capa/{ankara.number}").status_code == 200


def test_a_capa_linked_to_an_office_s_case_is_that_office_s_too(demo: None) -> None:
    capa = new_capa(office="istanbul")
    staff("ankara_reviewer", Role.REVIEWER, "ankara")
    client = signed_in("ankara_reviewer")
    assert client.get(f"/desk/capa/{capa.number}").status_code == 404
    istanbul_case = Case()
    capa_link_case(actor=user("quality"), capa=capa, feedback=istanbul_case.feedback)
    ankara_case = Case(office="ankara")
    capa_link_case(actor=user("quality"), capa=capa, feedback=ankara_case.feedback)
    page = client.get(f"/desk/capa/{capa.number}")
    assert page.status_code == 200
    # Only the cases the reader may see are listed.
    assert ankara_case.reference in page.content.decode()
    assert istanbul_case.reference not in page.content.decode()
    assert istanbul_case.reference in signed_in("quality").get(
        f"/desk/capa/{capa.number}").content.decode()
    every_office = new_capa(office=None)
    assert client.get(f"/desk/capa/{every_office.number}").status_code == 200
    capa_link_case(actor=user("quality"), capa=every_office, feedback=Case().feedback)
    assert client.get(f"/desk/capa/{every_office.number}").status_code == 404


def test_an_office_bound_role_opens_capas_of_its_own_office_only(demo: None) -> None:
    handler = staff("ankara_handler", Role.HANDLER, "ankara")
    data = {"problem": "Gecikme.", "criterion_text": "Gecikme kalmamalı."}
    with pytest.raises(FieldErrors) as refused:
        capa_open(actor=handler, data=CapaInput(office="istanbul", **data),
                  cases=[Case(office="ankara").feedback])
    assert "office" in refused.value.fields
    assert capa_open(actor=handler, data=CapaInput(office="ankara", **data),
                     cases=[Case(office="ankara").feedback]).office.code == "ankara"
