"""The management review pack (R8.6): its PDF, read back as text, and its XLSX hold every
section, with the figures the report API gives for the same period."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation
from openpyxl import load_workbook
from pypdf import PdfReader

from memnun.desk.review_pack_render import cell_text, review_pack_files
from memnun.feedback.selectors.reports.periods import Preset, period_preset, report_today
from memnun.feedback.selectors.review_pack import SECTION_TITLES
from tests.casework import Case, case_in, user
from tests.feedback.capas import new_capa
from tests.reports.objectives_helpers import objective

pytestmark = pytest.mark.django_db


def _sheet_rows(book: Any, name: str) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in book[name].iter_rows(values_only=True)]


def _table(rows: list[tuple[Any, ...]], title: str) -> list[tuple[Any, ...]]:
    """The rows of the table titled `title` on a sheet (after its column heads)."""
    start = next(i for i, row in enumerate(rows) if row and row[0] == title)
    found = []
    for row in rows[start + 2:]:
        if not row or row[0] is None:
            break
        found.append(row)
    return found


def _row(rows: list[tuple[Any, ...]], label: str) -> tuple[Any, ...]:
    return next(row for row in rows if row[0] == label)


def _pdf_lines(pdf: bytes) -> list[str]:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return [" ".join(line.split()) for line in text.splitlines()]


def test_the_pdf_and_the_xlsx_hold_each_section_with_the_report_apis_figures(
    demo: None, api: Client, staff_headers: Callable[[str], dict[str, str]]
) -> None:
    closed = case_in("closed")
    case_in("in_progress")
    Case(subject="Fatura hatası")
    closed.feedback.refresh_from_db()
    new_capa()
    objective("received.total", "1", "at_least")
    period = period_preset(preset=Preset.MONTH, today=report_today(now=timezone.now()))
    params = {"from": period.start.isoformat(), "to": period.end.isoformat()}
    headers = {**staff_headers("manager"), "Accept-Language": "en"}
    kpi = api.get("/api/v1/reports/kpi", params, headers=headers).json()
    by_category = api.get("/api/v1/reports/pareto", {**params, "by": "category"},
                          headers=headers).json()

    files = review_pack_files(viewer=user("manager"), period=period, language="en")

    book = load_workbook(io.BytesIO(files.xlsx))
    with translation.override("en"):
        titles = {key: str(title) for key, title in SECTION_TITLES.items()}
        kpi_rows = _table(_sheet_rows(book, "KPI trends"), "Key figures")
        assert _row(kpi_rows, "Received")[1] == kpi["received"]["total"] == 3
        assert _row(kpi_rows, "Reopened")[1] == kpi["reopened"]
        assert _row(kpi_rows, "Escalated")[1] == kpi["escalated"]
        received = _table(_sheet_rows(book, "KPI trends"), "Received over time")
        assert [(r[0], r[1]) for r in received] == [
            (p["start"], p["count"]) for p in kpi["received"]["over_time"]["points"]]
        pareto_rows = _table(_sheet_rows(book, "Pareto and repeats"), "Complaints by category")
        assert [(r[0], r[1], r[2], r[3]) for r in pareto_rows] == [
            (i["label"], i["count"], i["share"], i["cumulative"])
            for i in by_category["items"] if i["count"]]
        satisfaction = _table(_sheet_rows(book, "Satisfaction"), "Satisfaction")
        assert _row(satisfaction, "Surveys sent")[1] == kpi["satisfaction"]["sent"]
        assert _row(satisfaction, "Survey responses")[1] == kpi["satisfaction"]["responses"]
        backlog = _table(_sheet_rows(book, "Backlog and capacity"), "Backlog")
        assert _row(backlog, "Open now")[1] == kpi["backlog"]["open"] == 2
        assert _row(backlog, "Overdue now")[1] == kpi["backlog"]["overdue"]
        objectives = _table(_sheet_rows(book, "Objectives"), "Objectives")
        assert objectives[0][4] == 1 and objectives[0][5] == 3 and objectives[0][6] == "Met"
        capa = _table(_sheet_rows(book, "CAPA"), "The register today")
        assert _row(capa, "Open (not closed)")[1] == 1
        assert _row(_table(_sheet_rows(book, "CAPA"), "In the period"), "Opened")[1] == 1
        assert book.sheetnames == ["Pack", "Objectives", "KPI trends", "Pareto and repeats",
                                   "Satisfaction", "Internal audit", "CAPA",
                                   "Backlog and capacity", "Previous decisions"]

        lines = _pdf_lines(files.pdf)
        for n, key in enumerate(SECTION_TITLES, start=1):
            assert f"{n}. {titles[key]}" in lines, key
        assert f"Received {cell_text(kpi['received']['total'])}" in " ".join(lines)
        assert any(line.startswith(f"Open now {cell_text(kpi['backlog']['open'])}")
                   for line in lines)
        top = next(i for i in by_category["items"] if i["count"])
        assert any(line.startswith(f"{top['label']} {top['count']} "
                                   f"{cell_text(top['share'], percent=True)}")
                   for line in lines)
        assert any(line.startswith(f"Surveys sent {kpi['satisfaction']['sent']}")
                   for line in lines)


def test_the_pack_is_written_in_turkish_too(demo: None) -> None:
    case_in("closed")
    period = period_preset(preset=Preset.MONTH, today=report_today(now=timezone.now()))
    files = review_pack_files(viewer=user("quality"), period=period, language="tr")
    lines = _pdf_lines(files.pdf)
    with translation.override("tr"):
        for n, key in enumerate(SECTION_TITLES, start=1):
            assert f"{n}. {SECTION_TITLES[key]}" in lines, key
    # Numbers as Turkish writes them: the one complaint's category is all of them, %100.
    assert "Onarım gecikmesi 1 %100,0 %100,0" in lines
    book = load_workbook(io.BytesIO(files.xlsx))
    assert len(book.sheetnames) == 1 + len(SECTION_TITLES)
