"""The destruction job (K9): everything whose retention period has passed, as of `now`.

1. Each closed case whose period (category `case`) has passed is anonymised in place by
   `anonymise_case`, unless an operator's hold keeps it (counted as `held`); each
   anonymised case is a `DestructionEntry` (reference, category, rule).
2. Each registered pruner removes its expired rows: the e-mails that became no case
   (mailin), the stored API answers and their tracking codes (api), the rate-limit
   counters (ratelimit). The interfaces above this floor register theirs when they start
   (`pruner_register`): data protection never imports them.
3. The run is a `DestructionRun` (started, finished, as of when, who or what started it,
   the counts) and one audit event. The destruction log itself is never pruned here.

Idempotent: a second run as of the same moment finds nothing. A dry run counts what a run
would do and writes nothing, not even its log.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from django.db import transaction
from django.utils import timezone

from memnun.audit.chain import audit_record
from memnun.dataprotection.models import DestructionEntry, DestructionRun
from memnun.dataprotection.retention import (
    ExpiredCase,
    Period,
    cases_expired,
    retention_schedule,
)
from memnun.dataprotection.retention_rules import COUNTS, RetentionCategory
from memnun.dataprotection.services.anonymise import anonymise_case
from memnun.dataprotection.services.subject_requests import erasure_keep_reason
from memnun.feedback.models import Feedback
from memnun.ratelimit.limiter import rate_prune

logger = logging.getLogger("memnun.dataprotection")


class Prune(Protocol):
    def __call__(
        self, *, before: datetime, now: datetime, dry_run: bool = False
    ) -> dict[str, int]: ...


@dataclass(frozen=True)
class Pruner:
    category: RetentionCategory
    prune: Prune


PRUNERS: dict[str, Pruner] = {}


def pruner_register(*, name: str, category: RetentionCategory, prune: Prune) -> None:
    """Have every destruction run call `prune(before=<the period's start>, now=…,
    dry_run=…)`, which deletes (or counts) the category's rows from at or before `before`
    and returns its counts, keyed as `retention_rules.COUNTS`."""
    PRUNERS[name] = Pruner(category, prune)


def _rate_windows_prune(*, before: datetime, now: datetime, dry_run: bool = False) -> dict[
    str, int
]:
    seconds = int((now - before).total_seconds())
    return {"rate_limit": rate_prune(older_than_seconds=seconds, now=now.timestamp(),
                                     dry_run=dry_run)}


pruner_register(name="ratelimit.windows", category=RetentionCategory.RATE_LIMIT,
                prune=_rate_windows_prune)


def rule_text(period: Period) -> str:
    """How a log entry names the rule applied: "case: 10 years" (codes, any language)."""
    return f"{period.category.value}: {period.amount} {period.unit}"


@dataclass
class DestructionSummary:
    as_of: datetime
    dry_run: bool
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    references: list[str] = field(default_factory=list)  # anonymised (or, dry, to be)
    held: list[tuple[str, str]] = field(default_factory=list)  # (reference, hold's name)
    run_id: int | None = None

    @property
    def nothing_done(self) -> bool:
        return not any(n for key, n in self.counts.items() if key != "held")


def _case_anonymise(
    item: ExpiredCase, *, run: DestructionRun, period: Period, now: datetime
) -> str | None:
    """Anonymise one expired case and log it: "" when done, why it is kept (the one rule,
    `erasure_keep_reason`), or None when it no longer expires (checked again under the
    case's lock: it may have been reopened, erased or held since the selection)."""
    with transaction.atomic():
        feedback = Feedback.objects.select_for_update(of=("self",)).get(pk=item.feedback_id)
        if (
            feedback.closed_at is None or feedback.closed_at > period.start(now)
            or feedback.anonymised_at is not None
        ):
            return None
        kept = erasure_keep_reason(feedback, now=now)  # reopened, or held since the selection
        if kept is not None:
            return kept
        rule = rule_text(period)
        done = anonymise_case(feedback, by=None, reason=f"retention ({rule})")
        if done.already:
            return None
        DestructionEntry.objects.create(
            run=run, reference=feedback.reference, category=period.category, rule=rule,
            closed_at=feedback.closed_at, destroyed_at=done.at,
        )
    return ""


def destruction_run(
    *,
    now: datetime,
    trigger: str,
    started_by: str = "",
    dry_run: bool = False,
    progress: Callable[[str], None] | None = None,
) -> DestructionSummary:
    """Destroy what has expired as of `now` (see the module); return what was done."""
    say = progress or (lambda message: None)
    summary = DestructionSummary(as_of=now, dry_run=dry_run)
    schedule = retention_schedule()
    run: DestructionRun | None = None
    if not dry_run:
        run = DestructionRun.objects.create(
            started_at=timezone.now(), as_of=now, trigger=trigger, started_by=started_by,
            counts=summary.counts,
        )
        summary.run_id = run.pk
    try:
        period = schedule[RetentionCategory.CASE]
        expired = cases_expired(now=now, period=period)
        say(f"cases: {len(expired)} expired ({rule_text(period)})")
        for done, item in enumerate(expired, start=1):
            kept: str | None = item.hold
            if not kept and run is not None:
                kept = _case_anonymise(item, run=run, period=period, now=now)
            if kept is None:
                continue
            if kept:
                summary.counts["held"] += 1
                summary.held.append((item.reference, kept))
            else:
                summary.counts["case"] += 1
                summary.references.append(item.reference)
            if done % 100 == 0:
                say(f"cases: {done} of {len(expired)}")
        for name, pruner in sorted(PRUNERS.items()):
            before = schedule[pruner.category].start(now)
            counts = pruner.prune(before=before, now=now, dry_run=dry_run)
            for key, n in counts.items():
                summary.counts[key] = summary.counts.get(key, 0) + n
            say(f"{name}: " + ", ".join(f"{key} {n}" for key, n in counts.items()))
    except Exception as exc:
        if run is not None:
            # The kind only: an error's text may quote a row's values (the worker's log and
            # the task result keep the traceback).
            _finish(run, summary, error=type(exc).__name__)
        raise
    if run is not None:
        _finish(run, summary, error="")
    logger.info("destruction %s as of %s: %s", "dry run" if dry_run else f"run {summary.run_id}",
                now.isoformat(), summary.counts)
    return summary


def _finish(run: DestructionRun, summary: DestructionSummary, *, error: str) -> None:
    with transaction.atomic():
        run.finished_at = timezone.now()
        run.counts = summary.counts
        run.error = error
        run.save(update_fields=["finished_at", "counts", "error"])
        audit_record(
            actor=run.started_by or run.trigger, action="retention.destruction_run",
            object_type="destruction_run", object_id=str(run.pk),
            data={"as_of": run.as_of, "trigger": run.trigger, "counts": summary.counts,
                  "failed": bool(error)},
        )
