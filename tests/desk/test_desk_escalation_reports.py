"""The escalated-cases report (RA-flow) and the consistency report (RA-obj) on the desk:
what they list, who may read them and which office, and the consistency check."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from memnun.audit.models import AuditEvent
from memnun.feedback.codes import Closure
from memnun.feedback.escalation_models import ConsistencyCheck
from memnun.feedback.selectors.reports.kpi import kpi
from memnun.feedback.selectors.reports.scope import Period, ReportFilters
from memnun.feedback.services.compensation import compensation_propose
from memnun.feedback.services.escalation import feedback_escalate, feedback_refer_external
from memnun.feedback.services.lifecycle import feedback_close
from tests.casework import Case, case_in, user
from tests.desk.helpers import signed_in

pytestmark = pytest.mark.django_db

TODAY = "?period=custom&start={d}&end={d}"


def _today() -> str:
    return TODAY.format(d=timezone.localdate().isoformat())


def _references(html: str, table: str) -> set[str]:
    found = re.search(rf'<table class="queue" id="{table}">(.*?)</table>', html, re.S)
    assert found, f"no table {table}"
    return set(re.findall(r'href="/desk/feedback/([^"]+)"', found.group(1)))


def test_the_escalated_cases_are_the_dashboards_escalated_figure(demo: None) -> None:
    rejected = case_in("resolved").answer(accept=False)
    manual = case_in("in_progress")
    feedback_escalate(actor=user("reviewer"), feedback=manual.fresh(), reason="Basın.")
    referred = case_in("closed")
    feedback_refer_external(
        actor=user("quality"), feedback=referred.fresh(), body="arbitration_board",
        referred_on=date(2026, 1, 5),
    )
    case_in("in_progress")  # not escalated
    other_office = Case(office="ankara")
    feedback_escalate(actor=user("quality"), feedback=other_office.fresh(), reason="Acil.")

    html = signed_in("quality").get("/desk/reports/escalations/" + _today()).content.decode()
    listed = _references(html, "escalated")
    expected = {rejected.reference, manual.reference, referred.reference, other_office.reference}
    assert listed == expected
    today = timezone.localdate()
    figure = kpi(period=Period(today, today), filters=ReportFilters(), viewer=user("quality"),
                 raw=True)["escalated"]
    assert figure == len(listed)
    assert "The customer rejected the resolution" in html and "Escalated by staff" in html
    assert "Consumer arbitration committee, 05.01.2026" in html
    assert "0 → 5" in html and "Emre" in html  # who: the quality manager

    external = signed_in("quality").get(
        "/desk/reports/escalations/" + _today() + "&external=on"
    ).content.decode()
    assert _references(external, "escalated") == {referred.reference}

    # A reviewer reads their own office's only; another office is refused.
    own = signed_in("reviewer").get("/desk/reports/escalations/" + _today()).content.decode()
    assert _references(own, "escalated") == expected - {other_office.reference}
    assert signed_in("reviewer").get(
        "/desk/reports/escalations/" + _today() + "&office=ankara"
    ).status_code in (400, 403)


@pytest.mark.parametrize(("username", "status"), [
    ("agent", 403), ("handler", 403), ("admin", 403), ("auditor", 200), ("manager", 200),
    ("reviewer", 200), ("quality", 200),
])
def test_who_reads_the_reports(demo: None, username: str, status: int) -> None:
    client = signed_in(username)
    assert client.get("/desk/reports/escalations/").status_code == status
    assert client.get("/desk/reports/consistency/").status_code == status


def _closed(*, compensation: str | None = None, exhausted: bool = False) -> Case:
    case = case_in("in_progress")
    if compensation is not None:
        compensation_propose(actor=user("handler"), feedback=case.fresh(), kind="refund",
                             amount=Decimal(compensation), legal_basis="TKHK m.11")
    case.propose().approve()
    if exhausted:
        feedback_close(actor=user("quality"), feedback=case.fresh(),
                       closure=Closure.OPTIONS_EXHAUSTED,
                       external_recourse="Tüketici hakem heyetine başvurabilirsiniz.")
    else:
        case.answer(accept=True).close()
    return case


def test_similar_cases_with_different_outcomes_are_grouped_and_checked(demo: None) -> None:
    agreed = _closed(compensation="100")
    exhausted = _closed(exhausted=True)
    generous = _closed(compensation="900")
    client = signed_in("reviewer")
    url = "/desk/reports/consistency/" + _today()
    html = client.get(url).content.decode()
    group_id = 'id="group-repair-delay-part-supply"'
    assert group_id in html
    section = html[html.index(group_id):]
    # The odd one out first (the only exhausted closure), then the largest compensation.
    assert re.findall(r'href="/desk/feedback/([^"]+)"', section)[:3] == [
        exhausted.reference, generous.reference, agreed.reference
    ]
    assert ("Outcomes:</strong> The customer agreed: 2 · All reasonable options exhausted: 1"
            in section)
    differences = re.search(r"Differences:</strong>([^<]*)<", section)
    assert differences is not None
    assert differences.group(1).strip() == "closures differ; compensation from 0.00 to 900.00 TRY"

    refused = client.post(url, {"category": "repair-delay",
                                "root_cause_category": "part-supply", "comment": " "})
    assert refused.status_code == 422
    assert not ConsistencyCheck.objects.exists()

    done = client.post(url, {"category": "repair-delay", "root_cause_category": "part-supply",
                             "comment": "Cömert tazminat müşterinin ikinci arızası için."})
    assert done.status_code == 302
    check = ConsistencyCheck.objects.get()
    assert check.checked_by == user("reviewer") and len(check.case_ids) == 3
    event = AuditEvent.objects.get(action="consistency.group_checked")
    assert (event.actor, event.object_id, event.data["cases"]) == (
        "reviewer", "repair-delay/part-supply", 3
    )
    page = client.get(url).content.decode()
    assert "Checked by Zeynep Kaya" in page and 'name="comment"' not in page

    # A new similar case shows the group unchecked again.
    _closed(compensation="100")
    assert 'name="comment"' in client.get(url).content.decode()


def test_like_cases_treated_alike_make_no_group(demo: None) -> None:
    _closed(compensation="100")
    _closed(compensation="150")
    html = signed_in("quality").get("/desk/reports/consistency/" + _today()).content.decode()
    assert 'id="no-groups"' in html


def test_the_auditor_reads_but_does_not_check(demo: None) -> None:
    _closed(compensation="100")
    _closed(exhausted=True)
    client = signed_in("auditor")
    url = "/desk/reports/consistency/" + _today()
    html = client.get(url).content.decode()
    assert 'id="group-repair-delay-part-supply"' in html and 'name="comment"' not in html
    posted = client.post(url, {"category": "repair-delay", "root_cause_category": "part-supply",
                               "comment": "Tamam."})
    assert posted.status_code == 403 and not ConsistencyCheck.objects.exists()


def test_a_reviewer_sees_groups_of_their_own_office_only(demo: None) -> None:
    _closed(compensation="100")
    _closed(exhausted=True)
    quality = signed_in("quality")
    assert 'id="group-repair-delay-part-supply"' in quality.get(
        "/desk/reports/consistency/" + _today() + "&office=istanbul"
    ).content.decode()
    assert 'id="no-groups"' in quality.get(
        "/desk/reports/consistency/" + _today() + "&office=ankara"
    ).content.decode()
    assert signed_in("reviewer").get(
        "/desk/reports/consistency/" + _today() + "&office=ankara"
    ).status_code in (400, 403)


def test_the_escalations_page_reads_the_same_queries_for_one_case_or_many(demo: None) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in("quality")
    url = "/desk/reports/escalations/" + _today()
    case_in("resolved").answer(accept=False)
    client.get(url)  # the session and the catalogue warm
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(3):
        feedback_escalate(actor=user("quality"), feedback=case_in("in_progress").fresh(),
                          reason="Acil.")
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert len(_references(html, "escalated")) == 4
    assert len(many) == len(one)
