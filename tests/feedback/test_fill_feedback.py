"""fill_feedback: plausible cases in bulk that every reader treats like real ones."""

from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from memnun.accounts.models import User
from memnun.audit.chain import audit_verify
from memnun.audit.models import AuditEvent
from memnun.feedback.deadline_rules import copy_to_feedback
from memnun.feedback.models import Feedback, Obligation, ReferenceCounter
from memnun.feedback.references import reference_parse
from memnun.feedback.selectors.queue import queue_page
from memnun.feedback.services.obligations import obligations_recompute_many
from memnun.servicelevels.models import Calendar, OpeningPeriod
from memnun.servicelevels.store import calendar_changed
from tests.feedback.cases import record

pytestmark = pytest.mark.django_db


def test_fill_writes_cases_with_their_obligations(demo: None) -> None:
    out = StringIO()
    call_command("fill_feedback", "--count", "600", "--batch", "250", "--seed", "7", stdout=out)
    text = out.getvalue()
    assert "600 / 600 (100 %)" in text and "rows/s" in text
    assert Feedback.objects.count() == 600
    references = list(Feedback.objects.values_list("reference", flat=True))
    assert len(set(references)) == 600
    assert all(reference_parse(r) == r for r in references)
    assert sum(c.last for c in ReferenceCounter.objects.all()) == 600
    per_case = Obligation.objects.values("feedback").annotate(n=Count("id"))
    assert {row["n"] for row in per_case} == {4}  # ack, first response, update, resolution
    # Plausible spreads: every channel, status and office appears; web and phone lead.
    channels = Counter(Feedback.objects.values_list("channel", flat=True))
    assert channels.most_common(1)[0][0] in ("web", "phone")
    assert len(set(Feedback.objects.values_list("status", flat=True))) == 5
    assert set(Feedback.objects.values_list("office__code", flat=True)) == {
        "istanbul", "ankara", "izmir"
    }
    # The queue copies agree with the obligations, as the services would keep them.
    for case in Feedback.objects.prefetch_related("obligations")[:200]:
        assert copy_to_feedback(case, case.obligations.all()) == []
    # Intake goes on after the filled rows (ids and references continue).
    after = record(channel="fax")
    assert after.reference not in references
    assert queue_page(user=User.objects.get(username="quality"), limit=5).items


def test_fill_only_where_asked(demo: None) -> None:
    call_command("fill_feedback", "--count", "50", "--offices", "ankara,izmir", stdout=StringIO())
    assert set(Feedback.objects.values_list("office__code", flat=True)) <= {"ankara", "izmir"}


def test_a_calendar_change_recomputes_thousands_in_batches(demo: None) -> None:
    call_command("fill_feedback", "--count", "2500", "--days", "20", stdout=StringIO())
    calendar = Calendar.objects.get(code="standard")
    OpeningPeriod.objects.filter(calendar=calendar, weekday=0).update(opens="10:00")
    open_cases = Feedback.objects.exclude(status="closed").filter(
        obligations__met_at__isnull=True
    ).distinct().count()
    assert open_cases > 500
    # Queries grow with batches (a thousand cases; bulk statements), not with cases.
    with CaptureQueriesContext(connection) as queries:
        calendar_changed(calendar=calendar, actor="admin")
    assert len(queries) < open_cases / 20
    events = AuditEvent.objects.filter(action="feedback.deadlines_recomputed")
    assert 0 < events.count() <= open_cases
    assert audit_verify().ok
    # A second pass finds nothing left to change.
    assert obligations_recompute_many(feedback=Feedback.objects.all(), reason="again") == 0
