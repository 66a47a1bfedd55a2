"""The review pack as files: a PDF (WeasyPrint, the report charts embedded as SVG) and an
XLSX (openpyxl, one sheet per section), both laid out from the one structure
`feedback/selectors/review_pack.review_pack()` assembles; no figure is computed here.

`review_pack_files()` makes both in the pack's language, telling `progress` as each
section is assembled and as each file is written: the CLI prints it, the desk's job
stores it for the page that follows it.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.translation import gettext as _

from memnun.accounts.models import User
from memnun.desk import charts
from memnun.feedback.selectors.reports.scope import Period
from memnun.feedback.selectors.review_pack import (
    SECTIONS,
    Cell,
    PackChart,
    PackTable,
    ReviewPack,
    review_pack,
)

# The chart kinds a pack may ask for: charts.py's functions, by name.
CHARTS: dict[str, Callable[..., str]] = {
    "bar_chart": charts.bar_chart,
    "pareto_chart": charts.pareto_chart,
    "volume_chart": charts.volume_chart,
    "trend_chart": charts.trend_chart,
    "share_line_chart": charts.share_line_chart,
}
# Two more steps after the sections: the PDF, then the XLSX.
STEPS = len(SECTIONS) + 2
NO_VALUE = "–"


def cell_text(value: Cell, *, percent: bool = False) -> str:
    """A cell as the PDF prints it, in the active language's number format."""
    if value is None or value == "":
        return NO_VALUE if value is None else ""
    if isinstance(value, str):
        return value
    if percent:  # Turkish writes the sign first: %36,3
        number = formats.number_format(round(float(value) * 100, 1), use_l10n=True)
        return f"%{number}" if (translation.get_language() or "tr").startswith("tr") \
            else f"{number} %"
    return str(formats.number_format(value, use_l10n=True))


def _chart_uri(chart: PackChart) -> str:
    return charts.svg_data_uri(CHARTS[chart.kind](**chart.args))


def _table_rows(table: PackTable) -> list[list[str]]:
    return [[cell_text(v, percent=i in table.percent) for i, v in enumerate(row)]
            for row in table.rows]


def pack_pdf(pack: ReviewPack) -> bytes:
    """The pack as a PDF, in the active language."""
    from weasyprint import HTML

    sections: list[dict[str, Any]] = [
        {"section": s, "charts": [_chart_uri(c) for c in s.charts],
         "tables": [{"table": t, "rows": _table_rows(t)} for t in s.tables]}
        for s in pack.sections
    ]
    html = render_to_string("desk/reviews/pack_pdf.html", {"pack": pack, "sections": sections})
    return bytes(HTML(string=html).write_pdf())


def _xlsx_value(value: Cell) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def pack_xlsx(pack: ReviewPack) -> bytes:
    """The pack as an XLSX workbook: a cover sheet, then one sheet per section, its tables
    one under the other (title, column heads, rows), numbers as numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    cover = book.active
    assert cover is not None
    cover.title = _("Pack")
    cover.append([_("Management review pack")])
    cover["A1"].font = Font(bold=True, size=14)
    cover.append([_("Period"), pack.period.start.isoformat(), pack.period.end.isoformat()])
    cover.append([_("Made at"), pack.made_at.isoformat(timespec="seconds")])
    for section in pack.sections:
        sheet = book.create_sheet(section.sheet[:31])
        sheet.append([section.title])
        sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
        if section.note:
            sheet.append([section.note])
        for table in section.tables:
            sheet.append([])
            sheet.append([table.title])
            sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
            sheet.append(list(table.columns))
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
            for row in table.rows:
                sheet.append([_xlsx_value(v) for v in row])
                for i in table.percent:
                    sheet.cell(row=sheet.max_row, column=i + 1).number_format = "0.0%"
        sheet.column_dimensions["A"].width = 48
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class PackFiles:
    pack: ReviewPack
    pdf: bytes
    xlsx: bytes


def review_pack_files(
    *, viewer: User, period: Period, language: str,
    progress: Callable[[int, str], None] | None = None, review_id: int | None = None,
) -> PackFiles:
    """Assemble the pack and write both files, in `language` ("tr" or "en")."""
    def tell(n: int, what: str) -> None:
        if progress is not None:
            progress(n, what)

    with translation.override(language):
        pack = review_pack(viewer=viewer, period=period, progress=tell, review_id=review_id)
        tell(len(SECTIONS) + 1, _("Writing the PDF"))
        pdf = pack_pdf(pack)
        tell(len(SECTIONS) + 2, _("Writing the XLSX"))
        xlsx = pack_xlsx(pack)
    return PackFiles(pack=pack, pdf=pdf, xlsx=xlsx)


def pack_file_name(period: Period, suffix: str) -> str:
    return f"management-review-{period.start.isoformat()}-{period.end.isoformat()}.{suffix}"
