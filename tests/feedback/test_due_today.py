""""Due today" ends at Istanbul's midnight (the desk's day), not the server's or UTC's."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from memnun.feedback.models import Feedback
from memnun.feedback.selectors.deadline_state import due_today_cases
from tests.casework import Case

pytestmark = pytest.mark.django_db


def test_due_today_runs_from_now_to_istanbul_midnight(demo: None) -> None:
    case = Case()
    now = datetime(2026, 12, 3, 20, 30, tzinfo=UTC)  # 23:30 in Istanbul

    def due_today(next_due_at: datetime) -> bool:
        Feedback.objects.filter(pk=case.feedback.pk).update(next_due_at=next_due_at)
        return Feedback.objects.filter(due_today_cases(now), pk=case.feedback.pk).exists()

    assert due_today(datetime(2026, 12, 3, 20, 59, tzinfo=UTC))  # 23:59 in Istanbul
    assert not due_today(datetime(2026, 12, 3, 21, 0, tzinfo=UTC))  # midnight: tomorrow
    assert not due_today(datetime(2026, 12, 3, 20, 29, tzinfo=UTC))  # already late
