"""Exports: the reports and case lists as CSV and XLSX files, pseudonymised (R4.10).

- `columns`: the case list's columns, an allow-list read against the personal-data
  registry (`feedback/personal_fields.py`): no customer name, contact, device
  identifier, address or free text, ever; a case is named by its reference;
- `report_rows`: the KPI answer flattened (one row a figure, a breakdown one row a
  key) and the Pareto answer as rows;
- `tables`: what an export request covers (`ExportSpec`), who may have it and its
  rows, as one `Table` whatever the format;
- `writers`: CSV (UTF-8 with a BOM, formulas neutralised) and XLSX (write-only
  workbook), row by row, so memory stays flat however many cases.

Making, running and handing out the files is `services/exports.py`.
"""
