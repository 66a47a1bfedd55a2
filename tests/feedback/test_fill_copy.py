"""fill_feedback on PostgreSQL: rows streamed with COPY read exactly as rows INSERTed."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.db import connection, transaction

from memnun.accounts.models import User
from memnun.audit.models import AuditEvent
from memnun.devtools.fill import feedback_fill
from memnun.devtools.fill_casework import Rows, fill_staff
from memnun.feedback.models import Customer, Feedback, Obligation
from memnun.feedback.selectors.queue import queue_page
from memnun.feedback.selectors.reports import Period, ReportFilters, kpi
from memnun.feedback.services.report_rollup import rollup_rebuild
from memnun.organisation.models import Office

pytestmark = pytest.mark.django_db

_NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
_MODELS = [Customer, Feedback, Obligation, *Rows.MODELS.values()]


def _read() -> dict[str, Any]:
    """Every filled row as the ORM reads it back, and what the readers answer."""
    read: dict[str, Any] = {}
    # References come from the year's sequence on PostgreSQL, which a rollback does not
    # give back: the second fill's numbers follow the first's. Compare cases by row id.
    case_of = dict(Feedback.objects.values_list("reference", "id"))
    for model in _MODELS:
        # The tracking code is random by design (a code nobody holds).
        fields = [f.attname for f in model._meta.concrete_fields
                  if f.attname not in ("tracking_code_hash", "reference")]
        read[model.__name__] = list(model._default_manager.order_by("id").values_list(*fields))
    # Audit events are stamped when written: compare what they say, and the chain's order.
    read["audit"] = [
        (seq, action, case_of.get(object_id, object_id), data)
        for seq, action, object_id, data in
        AuditEvent.objects.values_list("seq", "action", "object_id", "data")
    ]
    quality = User.objects.get(username="quality")
    agent = User.objects.get(username="agent")
    read["queue"] = [c.pk for c in queue_page(user=quality, limit=50).items]
    read["queue, one office"] = [c.pk for c in queue_page(user=agent, limit=50).items]
    rollup_rebuild()
    period = Period(start=date(2026, 1, 1), end=date(2026, 12, 31))
    read["kpi"] = kpi(period=period, filters=ReportFilters(), viewer=quality, now=_NOW)
    read["kpi raw"] = kpi(period=period, filters=ReportFilters(), viewer=quality, now=_NOW,
                          raw=True)
    return read


def test_copy_fills_what_executemany_fills(demo: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's; SQLite has only the executemany path")
    # The made-up staff once, before both fills: the rolled-back fills then draw the same ids.
    fill_staff(list(Office.objects.filter(is_active=True)), seed=21)
    reads = []
    for copy in (False, True):
        with transaction.atomic():
            feedback_fill(count=700, seed=21, now=_NOW, batch_size=300, copy=copy)
            reads.append(_read())
            # Back to the same empty tables, counters and chain head for the other path.
            transaction.set_rollback(True)
    by_insert, by_copy = reads
    assert len(by_copy["Feedback"]) == 700 and len(by_copy["audit"]) == 700
    assert by_copy["kpi"]["reopened"] > 0 and by_copy["queue"]
    for key in by_insert:
        assert by_copy[key] == by_insert[key], key
