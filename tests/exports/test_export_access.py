"""Who may export what, of which office; the allow-list against the personal-data registry."""

from __future__ import annotations

import pytest
from django.utils import timezone

from memnun.feedback.exports.columns import CASE_COLUMNS, Column, case_reads, personal_reads
from memnun.feedback.personal_fields import lookup_is_personal, personal_lookups
from memnun.feedback.selectors.reports.periods import Preset, period_preset, report_today
from tests.casework import staff
from tests.desk.helpers import signed_in
from tests.exports.files import content, csv_rows, post_export
from tests.exports.personal_cases import FROM, TO, exported_cases

REPORT = {"start": FROM, "end": TO}


def test_no_case_list_column_reads_personal_data() -> None:
    assert personal_reads() == []
    assert not set(case_reads()) & set(personal_lookups())


@pytest.mark.parametrize("lookup", [*sorted(personal_lookups()), "customer__language"])
def test_a_column_reading_a_personal_field_is_refused(lookup: str) -> None:
    # Whatever the registry declares, and anything of the customer row, even undeclared.
    leaking = (*CASE_COLUMNS, Column("leak", (lookup,), lambda row: row[lookup]))
    assert personal_reads(leaking) == [lookup]
    assert lookup_is_personal(lookup)


@pytest.mark.django_db
@pytest.mark.parametrize(("username", "kind", "status"), [
    ("agent", "kpi", 403), ("handler", "pareto", 403), ("admin", "kpi", 403),
    ("agent", "cases-report", 403),
    ("reviewer", "kpi", 200), ("auditor", "pareto", 200), ("manager", "cases-report", 200),
    ("agent", "cases-queue", 200), ("auditor", "cases-queue", 200),
])
def test_who_may_export(demo: None, username: str, kind: str, status: int) -> None:
    kind, _, source = kind.partition("-")
    response = post_export(signed_in(username), kind=kind, source=source or "report",
                           format="csv", by="office", **REPORT)
    assert response.status_code == status


@pytest.mark.django_db
def test_a_reviewer_exports_their_own_office_only(demo: None) -> None:
    cases = exported_cases()
    reviewer = signed_in("reviewer")  # Istanbul
    rows = csv_rows(content(post_export(reviewer, kind="cases", source="report",
                                        format="csv", **REPORT)))
    assert {row[3] for row in rows[1:]} == {"istanbul"}
    assert cases.ankara.reference not in {row[0] for row in rows}
    kpi = csv_rows(content(post_export(reviewer, kind="kpi", format="csv", **REPORT)))
    assert ["received.total", "3"] not in [[r[0], r[3]] for r in kpi]
    assert [r[3] for r in kpi if r[0] == "received.total"] == ["2"]
    for kind in ("kpi", "cases"):
        refused = post_export(reviewer, kind=kind, source="report", format="csv",
                              office="ankara", **REPORT)
        assert refused.status_code == 403


@pytest.mark.django_db
def test_the_queue_export_is_scoped_as_the_queue(demo: None) -> None:
    cases = exported_cases()
    agent = signed_in("agent")  # Istanbul
    rows = csv_rows(content(post_export(agent, kind="cases", source="queue", format="csv")))
    assert [row[0] for row in rows[1:]] == [cases.formula.reference]
    other = post_export(agent, kind="cases", source="queue", format="csv", office="ankara")
    assert other.status_code == 403
    staff("agent-nowhere", "agent", office=None)
    rows = csv_rows(content(post_export(signed_in("agent-nowhere"), kind="cases",
                                        source="queue", format="csv")))
    assert rows[1:] == []


@pytest.mark.django_db
@pytest.mark.parametrize("fields", [
    {"kind": "kpi", "format": "pdf", **REPORT},
    {"kind": "kpi", "format": "csv"},  # no period
    {"kind": "kpi", "format": "csv", "start": TO, "end": FROM},
    {"kind": "pareto", "format": "csv", "by": "customer", **REPORT},
    {"kind": "cases", "source": "report", "format": "csv", "brand": "nokia-x", **REPORT},
    {"kind": "cases", "source": "queue", "format": "csv", "status": "lost"},
])
def test_a_bad_request_is_refused_with_the_reason(demo: None, fields: dict[str, str]) -> None:
    response = post_export(signed_in("quality"), **fields)
    assert response.status_code == 400
    assert 'id="export-errors"' in response.content.decode()


@pytest.mark.django_db
def test_the_buttons_are_on_the_dashboard_and_the_queue(demo: None) -> None:
    quality = signed_in("quality")
    page = quality.get(
        f"/desk/reports/?period=custom&start={FROM}&end={TO}&channel=web&by=brand"
    ).content.decode()
    for kind in ("kpi", "pareto", "cases"):
        assert f'id="export-{kind}"' in page
    assert f'name="start" value="{FROM}"' in page and 'name="channel" value="web"' in page
    assert 'name="by" value="brand"' in page
    # A preset period is exported as the dates it covers.
    month = period_preset(preset=Preset.MONTH, today=report_today(now=timezone.now()))
    default = quality.get("/desk/reports/").content.decode()
    assert f'name="start" value="{month.start.isoformat()}"' in default
    assert f'name="end" value="{month.end.isoformat()}"' in default
    queue = signed_in("agent").get("/desk/queue/?channel=phone").content.decode()
    assert 'id="export-cases"' in queue and 'name="channel" value="phone"' in queue
    assert 'id="export-cases"' not in signed_in("agent").get("/desk/queue/?q=ışıl").content.decode()
