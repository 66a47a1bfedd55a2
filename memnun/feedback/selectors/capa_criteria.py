"""A CAPA's effectiveness criterion, evaluated now from the complaints (R8.7).

Two kinds are measured, both over complaints of the CAPA's category (at its
office, or every office when it has none), by the time they were received,
merged duplicates left out; the clock starts when the CAPA's last action was done:

- `no_complaints`: none received in the N days after the actions were done.
  Any one received in that window → not met at once; none so far and the N days
  not over → not yet measurable; none over the whole window → met.
- `weekly_volume`: the last N complete weeks (Monday 00:00 to Monday 00:00,
  Istanbul time) that began after the actions were done each counted at or under
  L complaints → met; one over → not met; fewer than N such weeks → not yet
  measurable, with the weeks counted so far.

With an action still open (or none at all) nothing is measurable yet. The third
kind, `judged`, is the quality manager's judgement recorded with the check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from memnun.feedback.capa_codes import CapaActionStatus, CriterionKind
from memnun.feedback.capa_models import Capa
from memnun.feedback.codes import Closure, FeedbackType
from memnun.feedback.models import Feedback
from memnun.feedback.selectors.reports.periods import report_today, week_start
from memnun.feedback.selectors.reports.scope import day_start

MEASURED_KINDS = frozenset({CriterionKind.NO_COMPLAINTS, CriterionKind.WEEKLY_VOLUME})


class State:
    MET = "met"
    NOT_MET = "not_met"
    NOT_MEASURABLE = "not_measurable"
    JUDGED = "judged"


@dataclass(frozen=True)
class WeekCount:
    start: date
    count: int

    @property
    def end(self) -> date:
        return self.start + timedelta(days=6)


@dataclass(frozen=True)
class Evaluation:
    kind: str
    state: str
    # What the page says, in the active language.
    summary: str
    since: datetime | None = None
    count: int | None = None
    weeks: list[WeekCount] = field(default_factory=list)

    @property
    def measured(self) -> bool:
        return self.kind in MEASURED_KINDS

    def snapshot(self) -> dict[str, Any]:
        """The figures as stored with a check (JSON)."""
        return {
            "kind": self.kind, "state": self.state,
            "since": self.since.isoformat() if self.since else None,
            "count": self.count,
            "weeks": [{"start": w.start.isoformat(), "count": w.count} for w in self.weeks],
        }


def actions_done_at(capa: Capa) -> datetime | None:
    """When the last of the CAPA's actions was done; None while one is open or none exists."""
    actions = list(capa.actions.all())
    if not actions or any(a.status != CapaActionStatus.DONE for a in actions):
        return None
    return max(a.done_at for a in actions if a.done_at is not None)


def _complaints(capa: Capa) -> QuerySet[Feedback]:
    # Measured criteria always have a category (services/capa.py checks it).
    qs = Feedback.objects.filter(type=FeedbackType.COMPLAINT, category=capa.category)
    if capa.office_id is not None:
        qs = qs.filter(office_id=capa.office_id)
    return qs.exclude(closure=Closure.MERGED)


def _no_complaints(capa: Capa, since: datetime, now: datetime) -> Evaluation:
    days = capa.criterion_days or 0
    end = since + timedelta(days=days)
    count = _complaints(capa).filter(received_at__gte=since, received_at__lt=min(now, end)).count()
    kind = CriterionKind.NO_COMPLAINTS
    if count:
        return Evaluation(kind, State.NOT_MET, ngettext(
            "%(count)s complaint of the category received since the actions were done.",
            "%(count)s complaints of the category received since the actions were done.",
            count,
        ) % {"count": count}, since, count)
    if now < end:
        elapsed = (now - since).days
        return Evaluation(kind, State.NOT_MEASURABLE, _(
            "No complaint so far; %(elapsed)s of the %(days)s days have passed."
        ) % {"elapsed": elapsed, "days": days}, since, count)
    return Evaluation(kind, State.MET, _(
        "No complaint of the category in the %(days)s days after the actions were done."
    ) % {"days": days}, since, count)


def _weekly_volume(capa: Capa, since: datetime, now: datetime) -> Evaluation:
    weeks_wanted = capa.criterion_weeks or 0
    level = capa.criterion_level or 0
    first = week_start(report_today(now=since))
    if day_start(first) < since:
        first += timedelta(days=7)  # the first week that began after the actions were done
    last_end = week_start(report_today(now=now))  # the current week is not complete
    complete = max(0, (last_end - first).days // 7)
    starts = [last_end - timedelta(days=7 * i) for i in range(min(complete, weeks_wanted), 0, -1)]
    counts = dict.fromkeys(starts, 0)
    if starts:
        received = _complaints(capa).filter(
            received_at__gte=day_start(starts[0]), received_at__lt=day_start(last_end)
        ).values_list("received_at", flat=True)
        for at in received:
            counts[week_start(report_today(now=at))] += 1
    weeks = [WeekCount(start, counts[start]) for start in starts]
    kind = CriterionKind.WEEKLY_VOLUME
    over = [w for w in weeks if w.count > level]
    if len(weeks) < weeks_wanted:
        return Evaluation(kind, State.NOT_MEASURABLE, _(
            "%(done)s of the %(weeks)s complete weeks after the actions have passed."
        ) % {"done": len(weeks), "weeks": weeks_wanted}, since, None, weeks)
    if over:
        return Evaluation(kind, State.NOT_MET, _(
            "%(over)s of the last %(weeks)s weeks were over %(level)s complaints."
        ) % {"over": len(over), "weeks": weeks_wanted, "level": level}, since, None, weeks)
    return Evaluation(kind, State.MET, _(
        "Each of the last %(weeks)s weeks had %(level)s complaints or fewer."
    ) % {"weeks": weeks_wanted, "level": level}, since, None, weeks)


def capa_criterion_evaluate(*, capa: Capa, now: datetime) -> Evaluation:
    """The CAPA's criterion as it stands at `now`: met, not met, not yet measurable, judged."""
    kind = capa.criterion_kind
    if kind not in MEASURED_KINDS:
        return Evaluation(kind, State.JUDGED, _(
            "Judged by the quality manager when the check is recorded."
        ))
    since = actions_done_at(capa)
    if since is None:
        return Evaluation(kind, State.NOT_MEASURABLE, _(
            "Not yet measurable: the actions are not all done."
        ))
    if kind == CriterionKind.NO_COMPLAINTS:
        return _no_complaints(capa, since, now)
    return _weekly_volume(capa, since, now)
