"""A case's links as its page lists them: from this case first, then to it, each oldest
first, named from this case's side; read in one query."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from memnun.feedback.codes import LinkKind
from memnun.feedback.models import FeedbackLink
from memnun.feedback.selectors.links import case_links
from tests.casework import Case, user

pytestmark = pytest.mark.django_db


def test_links_out_first_then_in_each_oldest_first(demo: None) -> None:
    a, b, c, d = Case(), Case(), Case(), Case()
    now, by = timezone.now(), user("handler")

    def link(source: Case, target: Case, kind: str, minutes: int) -> None:
        FeedbackLink.objects.create(
            from_feedback=source.feedback, to_feedback=target.feedback, kind=kind,
            created_by=by, created_at=now + timedelta(minutes=minutes),
        )

    link(c, a, LinkKind.REOPENED_AS, 1)  # in, oldest of all
    link(a, d, LinkKind.RELATED, 3)      # out, newer
    link(a, b, LinkKind.DUPLICATE, 2)    # out, older
    with CaptureQueriesContext(connection) as queries:
        links = case_links(feedback=a.feedback)
    assert [(x.reference, x.direction, x.kind) for x in links] == [
        (b.reference, "out", LinkKind.DUPLICATE),
        (d.reference, "out", LinkKind.RELATED),
        (c.reference, "in", LinkKind.REOPENED_AS),
    ]
    with translation.override("en"):
        assert str(links[2].label) == "Follow-up of"
    assert len(queries) == 1
