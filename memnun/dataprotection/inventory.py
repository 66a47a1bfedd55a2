"""The processing inventory (K12), VERBIS-style: one row per data category of the
complaint-handling process, with its purposes, subject group, recipients, transfers
abroad, retention and security measures; and the processor register beside it (K5).

The data categories are the personal-data registry's (`memnun.personaldata.fields`,
grouped by `categories.CATEGORIES`), the recipients and transfers the processor
register's: the inventory never keeps a list of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet.worksheet import Worksheet

from memnun.dataprotection.categories import CATEGORIES
from memnun.dataprotection.models import Processor
from memnun.dataprotection.retention import retention_schedule
from memnun.dataprotection.retention_rules import RetentionCategory
from memnun.personaldata.fields import PersonalField

PROCESS = gettext_lazy("Complaint and feedback handling (ISO 10002)")
PURPOSES = [
    gettext_lazy("Receiving, recording and answering complaints and other feedback"),
    gettext_lazy("Telling the customer how their case progresses and how it was closed"),
    gettext_lazy("Analysing complaints to correct and prevent their causes"),
    gettext_lazy("Meeting legal obligations under consumer law"),
]
SUBJECTS = gettext_lazy("Customers and others who give feedback (complainants)")
LEGAL_BASIS = gettext_lazy(
    "Art. 5(2)(c) necessary for a contract; (ç) legal obligation; (f) legitimate interest"
)
INTERNAL_RECIPIENTS = gettext_lazy(
    "Staff of the office handling the case, quality managers, the personal-data contact"
)
OTHER_RECIPIENTS = gettext_lazy(
    "Brands and insurers only with the person's explicit consent; public authorities and "
    "courts where the law requires"
)
# The case period of the retention schedule (K9) follows.
RETENTION = gettext_lazy("While the case is handled, then until it is anonymised:")
SECURITY = [
    gettext_lazy("Role-based access limited to the office; personal data masked on screen, "
                 "shown whole only with a recorded reason"),
    gettext_lazy("Two-factor sign-in for staff"),
    gettext_lazy("Hash-chained audit trail of every change and every reveal"),
    gettext_lazy("E-mail and SMS only over TLS in production (refused at start-up otherwise)"),
    gettext_lazy("No personal data in application logs; exports pseudonymised"),
    gettext_lazy("Processor contracts with the e-mail, SMS and hosting providers"),
]

INVENTORY_COLUMNS = [
    gettext_lazy("Process"), gettext_lazy("Purposes"), gettext_lazy("Data category"),
    gettext_lazy("Personal data"), gettext_lazy("Data subject group"),
    gettext_lazy("Legal basis"), gettext_lazy("Recipients"),
    gettext_lazy("Transfers abroad"), gettext_lazy("Retention"),
    gettext_lazy("Security measures"),
]
PROCESSOR_COLUMNS = [
    gettext_lazy("Processor"), gettext_lazy("Service"), gettext_lazy("Country"),
    gettext_lazy("Cloud region"), gettext_lazy("Transfer basis"), gettext_lazy("Contract date"),
    gettext_lazy("Standard contract notified on"), gettext_lazy("What it does for us"),
]


@dataclass(frozen=True)
class InventoryRow:
    category: str
    kinds: list[str]


def inventory_rows() -> list[InventoryRow]:
    """One row per VERBIS category, with the registry's kinds in it (registry order)."""
    grouped: dict[str, list[str]] = {}
    for kind in PersonalField:
        category = CATEGORIES[kind]
        grouped.setdefault(str(category.verbis), []).append(str(category.label))
    return [InventoryRow(category=name, kinds=kinds) for name, kinds in grouped.items()]


def _processor_line(p: Processor) -> str:
    return f"{p.name} ({p.get_service_display()}, {p.country})"


def _append(sheet: Worksheet, values: Sequence[object]) -> None:
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.value = ILLEGAL_CHARACTERS_RE.sub("", cell.value)
            cell.data_type = "s"  # text, never a formula


def inventory_write(
    *, path: Path, language: str, progress: Callable[[str], None] = lambda _m: None,
) -> int:
    """Write the inventory workbook to `path`; returns the inventory's row count.

    Raises OSError when the file cannot be written.
    """
    processors = list(Processor.objects.filter(is_active=True))
    with translation.override(language):
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = _("Inventory")[:31]
        _append(sheet, [str(c) for c in INVENTORY_COLUMNS])
        recipients = "\n".join([
            str(INTERNAL_RECIPIENTS),
            *(_("Processor: %(line)s") % {"line": _processor_line(p)} for p in processors),
            str(OTHER_RECIPIENTS),
        ])
        abroad = [p for p in processors if p.abroad]
        transfers = "\n".join(
            f"{_processor_line(p)}: {p.get_transfer_basis_display()}" for p in abroad
        ) or _("None")
        rows = inventory_rows()
        retention = f"{RETENTION} {retention_schedule()[RetentionCategory.CASE].text}"
        for row in rows:
            _append(sheet, [
                str(PROCESS), "\n".join(str(p) for p in PURPOSES), row.category,
                ", ".join(row.kinds), str(SUBJECTS), str(LEGAL_BASIS), recipients, transfers,
                retention, "\n".join(str(s) for s in SECURITY),
            ])
        progress(_("%(count)s inventory rows") % {"count": len(rows)})
        register = book.create_sheet(_("Processors")[:31])
        _append(register, [str(c) for c in PROCESSOR_COLUMNS])
        for p in processors:
            _append(register, [
                p.name, p.get_service_display(), p.country, p.region,
                p.get_transfer_basis_display(),
                p.contract_date.isoformat() if p.contract_date else "",
                p.notified_on.isoformat() if p.notified_on else "", p.purpose,
            ])
        progress(_("%(count)s processors") % {"count": len(processors)})
        book.save(path)
    return len(rows)
