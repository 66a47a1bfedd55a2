"""Reports: figures over many cases, read from the database in aggregate.

- `scope`: the period (Istanbul dates, inclusive), the filters, who may read
  which office's figures, and the cases they cover;
- `catalogue`: the metric catalogue, one row a figure (code, label, how it is
  computed), read by the KPI selector, the API and the docs;
- `kpi`: the KPI figures of a period (`GET /api/v1/reports/kpi`);
- `pareto`: complaints by one key, largest first (`GET /api/v1/reports/pareto`).

No figure reads a personal field (name, contact, device identifiers, free
text), so anonymising a case in place changes no report.
"""

from memnun.feedback.selectors.reports.kpi import kpi
from memnun.feedback.selectors.reports.pareto import PARETO_KEYS, pareto
from memnun.feedback.selectors.reports.scope import Period, ReportFilters

__all__ = ["PARETO_KEYS", "Period", "ReportFilters", "kpi", "pareto"]
