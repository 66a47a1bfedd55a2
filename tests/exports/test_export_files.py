"""The files: exactly the expected rows, in CSV and XLSX, and no personal data in any of them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.utils import translation

from memnun.audit.models import AuditEvent
from memnun.feedback.exports.writers import csv_cell
from memnun.feedback.models import Feedback
from memnun.feedback.selectors.reports import PARETO_KEYS, Period, ReportFilters, kpi, pareto
from tests.casework import user
from tests.desk.helpers import signed_in
from tests.exports.files import (
    content,
    csv_rows,
    every_text,
    post_export,
    xlsx_rows,
    xlsx_text_cells,
)
from tests.exports.personal_cases import FORMULA, FROM, PERSONAL, TO, Exported, exported_cases

pytestmark = pytest.mark.django_db

CASE_HEADER = [
    "reference", "type", "channel", "office", "brand", "category", "status", "received_at",
    "acknowledged_at", "acknowledged_on_time", "closure", "closed_at", "escalation_level",
    "repeat", "survey_score", "handler",
]
REPORT = {"start": FROM, "end": TO}


def _ack(feedback: Feedback) -> list[Any]:
    sent, due = feedback.ack_sent_at, feedback.ack_due_at
    on_time = None if sent is None else (due is None or sent <= due)
    return [sent, on_time]


def _expected_cases(cases: Exported) -> list[list[Any]]:
    a, b, c = cases.istanbul, cases.ankara, cases.formula
    return [
        [a.reference, "complaint", "web", "istanbul", "samsung", "repair-delay", "closed",
         "2025-04-21 10:00:00", *_ack(a), "customer_agreed", "2025-04-22 15:00:00", 0, False,
         5, "handler"],
        [b.reference, "complaint", "letter", "ankara", "apple", None, "created",
         "2025-04-23 11:00:00", *_ack(b), None, None, 0, False, None, None],
        [c.reference, "complaint", "phone", "istanbul", None, None, "created",
         "2025-04-24 09:30:00", *_ack(c), None, None, 0, True, None, None],
    ]


def _as_csv(rows: list[list[Any]]) -> list[list[str]]:
    return [[csv_cell(v) for v in row] for row in rows]


def _as_xlsx(rows: list[list[Any]]) -> list[list[Any]]:
    def cell(value: Any) -> Any:
        if isinstance(value, datetime):
            return csv_cell(value)
        return value

    return [[cell(v) for v in row] for row in rows]


def _xlsx_moments(rows: list[list[Any]]) -> list[list[Any]]:
    # Spreadsheet moments come back as naive datetimes: compare them as the CSV writes them.
    return [[v.strftime("%Y-%m-%d %H:%M:%S") if isinstance(v, datetime) else v for v in row]
            for row in rows]


def test_the_case_list_of_a_report_in_csv_and_xlsx(demo: None) -> None:
    cases = exported_cases()
    expected = _expected_cases(cases)
    assert any(row[8] is not None for row in expected)  # some acknowledgement is exported
    client = signed_in("quality")
    data = content(post_export(client, kind="cases", source="report", format="csv", **REPORT))
    assert csv_rows(data) == [CASE_HEADER, *_as_csv(expected)]
    data = content(post_export(client, kind="cases", source="report", format="xlsx", **REPORT))
    assert _xlsx_moments(xlsx_rows(data)) == [CASE_HEADER, *_as_xlsx(expected)]


def test_the_queue_list_is_the_open_cases_with_the_queue_filters(demo: None) -> None:
    cases = exported_cases()
    quality = signed_in("quality")
    rows = csv_rows(content(post_export(quality, kind="cases", source="queue", format="csv")))
    assert [row[0] for row in rows[1:]] == [cases.ankara.reference, cases.formula.reference]
    rows = csv_rows(content(post_export(quality, kind="cases", source="queue", format="csv",
                                        channel="phone")))
    assert [row[0] for row in rows[1:]] == [cases.formula.reference]


def test_the_kpi_report_has_a_row_for_every_figure(demo: None) -> None:
    exported_cases()
    with translation.override("en"):
        answer = kpi(period=Period(datetime.fromisoformat(FROM).date(),
                                   datetime.fromisoformat(TO).date()),
                     filters=ReportFilters(), viewer=user("quality"))
    rows = csv_rows(content(post_export(signed_in("quality"), kind="kpi", format="csv",
                                        **REPORT)))
    assert rows[0] == ["metric", "label", "key", "value"]
    by_place = {(r[0], r[2]): r for r in rows[1:]}
    assert by_place["received.total", ""] == ["received.total", "Received", "", "3"]
    assert by_place["received.by_office", "ankara"][3] == "1"
    assert by_place["received.by_channel", "web"][3] == str(answer["received"]["by_channel"]["web"])
    assert by_place["closed", "customer_agreed"] == [
        "closed", "Closed, by closure", "customer_agreed", "1"]
    assert by_place["satisfaction.mean", ""][3] == "5.0"
    assert by_place["satisfaction.distribution", "5"][3] == "1"

    def leaves(node: Any) -> int:
        if isinstance(node, dict):
            return sum(leaves(child) for child in node.values())
        if isinstance(node, list):
            # An item is named by its first text (or None: the unassigned handler); its
            # other texts (a staff member's full name) are left out, its numbers exported.
            texts = {k for item in node for k, v in item.items() if isinstance(v, str)}

            def figures_of(item: dict[str, Any]) -> dict[str, Any]:
                return {k: v for k, v in item.items() if k not in texts}

            return sum(leaves(figures_of(item)) for item in node)
        return 1

    figures = {k: v for k, v in answer.items() if k not in ("from", "to", "filters")}
    assert len(rows) - 1 == leaves(figures)  # nothing left out, nothing twice
    xlsx = xlsx_rows(content(post_export(signed_in("quality"), kind="kpi", format="xlsx",
                                         **REPORT)))
    assert [row[:3] for row in xlsx] == [[c or None for c in row[:3]] for row in rows]


@pytest.mark.parametrize("by", list(PARETO_KEYS))
def test_the_pareto_report_for_each_key(demo: None, by: str) -> None:
    exported_cases()
    with translation.override("en"):
        answer = pareto(period=Period(datetime.fromisoformat(FROM).date(),
                                      datetime.fromisoformat(TO).date()),
                        by=by, filters=ReportFilters(), viewer=user("quality"))
    rows = csv_rows(content(post_export(signed_in("quality"), kind="pareto", format="csv",
                                        by=by, **REPORT)))
    assert rows[0] == ["by", "key", "label", "count", "share", "cumulative"]
    assert rows[1:] == [
        [by, csv_cell(i["key"]), csv_cell(i["label"]), str(i["count"]), str(i["share"]),
         str(i["cumulative"])] for i in answer["items"]
    ]
    assert sum(int(row[3]) for row in rows[1:]) == 3


EXPORTS = [
    {"kind": "kpi"}, {"kind": "cases", "source": "report"}, {"kind": "cases", "source": "queue"},
    *({"kind": "pareto", "by": by} for by in PARETO_KEYS),
]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("request_", EXPORTS, ids=lambda r: "-".join(r.values()))
def test_no_export_holds_personal_data(demo: None, fmt: str, request_: dict[str, str]) -> None:
    exported_cases()
    # The quality manager, who sees the customer's words whole on the desk.
    data = content(post_export(signed_in("quality"), format=fmt, **REPORT, **request_))
    text = every_text(data)
    cells = " ".join(str(v) for row in (xlsx_rows(data) if fmt == "xlsx" else csv_rows(data))
                     for v in row)
    assert len(text) > 50
    for value in PERSONAL:
        assert value not in text, value
        assert value not in cells, value
    # Not even masked: no masked e-mail or phone, no "[hidden" placeholder either.
    assert "***" not in text and "[hidden" not in text and "[gizli" not in text


def test_turkish_letters_survive_in_csv_and_xlsx(demo: None) -> None:
    exported_cases()
    client = signed_in("quality")
    fields = {"kind": "pareto", "by": "product", **REPORT}
    csv_data = content(post_export(client, format="csv", **fields))
    assert "Galaxy Ürün S23" in csv_data.decode("utf-8-sig")
    assert "Galaxy Ürün S23" in {row[2] for row in csv_rows(csv_data)}
    xlsx = xlsx_rows(content(post_export(client, format="xlsx", **fields)))
    assert "Galaxy Ürün S23" in {row[2] for row in xlsx}
    turkish = signed_in("quality")
    turkish.defaults["HTTP_ACCEPT_LANGUAGE"] = "tr"
    rows = csv_rows(content(post_export(turkish, kind="kpi", format="csv", **REPORT)))
    labels = {row[1] for row in rows[1:]}
    assert any(set(label) & set("çğıİöşüÇĞÖŞÜ") for label in labels), labels


def test_a_formula_is_text_in_csv_and_xlsx(demo: None) -> None:
    exported_cases()
    client = signed_in("quality")
    fields = {"kind": "pareto", "by": "product", **REPORT}
    rows = csv_rows(content(post_export(client, format="csv", **fields)))
    assert ["product", f"'{FORMULA}", f"'{FORMULA}"] in [row[:3] for row in rows]
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    cells = xlsx_text_cells(content(post_export(client, format="xlsx", **fields)))
    assert (FORMULA, "s") in cells
    assert not any(kind == "f" for _value, kind in cells)


def test_each_export_is_audited_with_its_filters(demo: None) -> None:
    exported_cases()
    post_export(signed_in("reviewer"), kind="cases", source="report", format="csv",
                channel="web", **REPORT)
    event = AuditEvent.objects.filter(action="export.made").latest("seq")
    assert event.actor == "reviewer"
    assert event.data == {
        "kind": "cases", "format": "csv", "source": "report", "rows": 1, "from": FROM,
        "to": TO, "filters": {"channel": "web"},
    }
