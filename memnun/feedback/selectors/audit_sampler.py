"""The process audit's sampler (R8.5): which closed cases an audit looks at.

Pure: it reads the cases and returns the draw; `services/process_audit.py` stores it.

The rule:
- the candidates are the cases of the plan's offices **closed** within the period
  (`closed_at`, Istanbul days, both ends included), merged duplicates left out
  (their handling is the surviving case's);
- for each office, in the order of its code: `per_office` cases drawn at random
  from its candidates; then, for each handler of that office's candidates (the
  case's assignee, in the order of their user id), more of *their* cases until
  the sample holds `per_handler` of them (or all they have);
- every office with a closed case gets at least one (`per_office` ≥ 1), no case
  is drawn twice, and the randomness comes from one `random.Random(seed)` over
  candidates in a fixed order (by id): the same seed on the same records draws
  the same sample.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from memnun.feedback.codes import Closure, Status
from memnun.feedback.models import Feedback
from memnun.feedback.selectors.reports.scope import day_start


@dataclass(frozen=True)
class Drawn:
    feedback_id: int
    office_id: int
    handler_id: int | None


def audit_candidates(
    *, office_ids: Sequence[int], period_from: date, period_to: date
) -> list[tuple[int, int, int | None]]:
    """(case id, office id, assignee id) of every case the plan may draw, by id."""
    return list(
        Feedback.objects.filter(
            office_id__in=list(office_ids), status=Status.CLOSED,
            closed_at__gte=day_start(period_from),
            closed_at__lt=day_start(period_to + timedelta(days=1)),
        )
        .exclude(closure=Closure.MERGED)
        .order_by("id")
        .values_list("id", "office_id", "assignee_id")
    )


def audit_sample_draw(
    *, office_ids: Sequence[int], period_from: date, period_to: date, per_office: int,
    per_handler: int, seed: int,
) -> list[Drawn]:
    """The sample, in the order drawn (see the module's rule)."""
    rng = random.Random(seed)
    by_office: dict[int, list[tuple[int, int, int | None]]] = {}
    for row in audit_candidates(
        office_ids=office_ids, period_from=period_from, period_to=period_to
    ):
        by_office.setdefault(row[1], []).append(row)
    drawn: list[Drawn] = []
    for office_id in sorted(by_office, key=lambda o: office_ids.index(o)):
        rows = by_office[office_id]
        pool = list(rows)
        rng.shuffle(pool)
        chosen = pool[:per_office]
        taken = {row[0] for row in chosen}
        handlers = sorted({row[2] for row in rows if row[2] is not None})
        for handler in handlers:
            have = sum(1 for row in chosen if row[2] == handler)
            theirs = [row for row in rows if row[2] == handler and row[0] not in taken]
            rng.shuffle(theirs)
            for row in theirs[: max(0, per_handler - have)]:
                chosen.append(row)
                taken.add(row[0])
        drawn.extend(Drawn(feedback_id=f, office_id=o, handler_id=h) for f, o, h in chosen)
    return drawn
