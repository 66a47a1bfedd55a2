"""The open cases' one condition (feedback/open_cases.py): every status but closed,
with the status inlined so that SQLite uses the partial indexes."""

from __future__ import annotations

import pytest

from memnun.feedback.models import Feedback
from memnun.feedback.open_cases import open_condition
from tests.casework import case_in

pytestmark = pytest.mark.django_db


def test_open_means_every_status_but_closed(demo: None) -> None:
    cases = {status: case_in(status).reference
             for status in ("created", "in_progress", "under_review", "resolved", "closed")}
    found = set(Feedback.objects.filter(open_condition()).values_list("reference", flat=True))
    assert found == {ref for status, ref in cases.items() if status != "closed"}


def test_only_a_status_code_is_ever_inlined(demo: None) -> None:
    with pytest.raises(ValueError, match="not a status code"):
        list(Feedback.objects.filter(status__is_not_literal="x') OR 1=1 --"))
