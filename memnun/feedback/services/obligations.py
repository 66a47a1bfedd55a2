"""The only writers of obligations: open, meet, pause, resume, recompute.

Each keeps the case's copies (acknowledgement fields, next due) in step, and
records what changed in the audit trail within its transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from memnun.accounts.models import User
from memnun.audit.chain import AuditEntry, audit_record, audit_record_many
from memnun.feedback.codes import ObligationKind, Status
from memnun.feedback.deadline_rules import (
    PAUSABLE_KINDS,
    Deadlines,
    copy_to_feedback,
    is_safety_case,
    obligations_planned_at_intake,
)
from memnun.feedback.errors import Conflict
from memnun.feedback.models import CustomerQuestion, Feedback, Obligation
from memnun.feedback.report_facts import OBLIGATION_FACTS, fact_fields_set
from memnun.feedback.rows_update import rows_update
from memnun.rowinsert import row_insert, rows_insert
from memnun.servicelevels.clock import business_time_between

RECOMPUTE_BATCH = 1000


def _actor_name(actor: User | str | None) -> str:
    if isinstance(actor, User):
        return actor.username
    return actor or ""


def obligations_plan(*, feedback: Feedback) -> list[Obligation]:
    """The obligations a newly received case will owe, worked out but not written: from
    its office's calendar and the service targets (the configuration cache, which may be
    up to 2 s old anyway), before the intake's transaction, so that SQLite's write lock
    is held for the writes alone."""
    return obligations_planned_at_intake(
        feedback=feedback, deadlines=Deadlines(), safety=is_safety_case(feedback)
    )


def obligations_open(*, feedback: Feedback, planned: list[Obligation]) -> list[Obligation]:
    """Write a newly received case, unsaved until here, with the obligations
    `obligations_plan` worked out for it. Inside the intake's transaction.

    The case is inserted with its copies of them already set: one INSERT of the case,
    where saving it first would take an UPDATE after it too.
    """
    if feedback.pk is not None:
        raise ValueError("obligations_open writes a new case with its obligations")
    _copies_set(feedback, planned)
    row_insert(feedback)
    rows_insert(planned)
    return planned


def _locked_obligations(feedback: Feedback) -> list[Obligation]:
    return list(Obligation.objects.select_for_update().filter(feedback=feedback).order_by("id"))


def _copies_set(feedback: Feedback, obligations: Iterable[Obligation]) -> list[str]:
    """Set the case's copies of its obligations; the names of the fields changed."""
    obligations = list(obligations)
    changed = copy_to_feedback(feedback, obligations)
    # The report facts of the obligations met (report_facts.py): written once, when first met.
    met = {OBLIGATION_FACTS[o.kind]: o.met_at for o in obligations if o.kind in OBLIGATION_FACTS}
    return changed + fact_fields_set(feedback, met)


def _sync(feedback: Feedback, obligations: Iterable[Obligation]) -> None:
    changed = _copies_set(feedback, obligations)
    if changed:
        feedback.save(update_fields=changed)


def obligation_meet(*, feedback: Feedback, kind: str, at: datetime) -> Obligation:
    """Record that an obligation was met at `at`. Call inside the caller's transaction.

    The caller (acknowledgement, lifecycle) audits the business action it is part of.
    """
    obligations = _locked_obligations(feedback)
    found = next((o for o in obligations if o.kind == kind), None)
    if found is None:
        raise Conflict(f"This case owes no {kind}.")
    if found.met_at is not None:
        raise Conflict(f"The {kind} was already given.")
    found.met_at = at
    found.paused_since = None
    found.save(update_fields=["met_at", "paused_since"])
    _sync(feedback, obligations)
    return found


def _utc(at: datetime) -> datetime:
    # One zone in the audit trail, whether the time was read back or just computed.
    return at.astimezone(UTC)


def _due_map(obligations: Iterable[Obligation]) -> dict[str, datetime]:
    return {o.kind: _utc(o.due_at) for o in obligations}


def obligations_pause(
    *, feedback: Feedback, at: datetime, actor: User | str | None = None
) -> list[Obligation]:
    """Stop the pausable clocks while the case waits for the customer.

    Obligations already met or already paused are left alone; the acknowledgement
    never pauses. Paused obligations leave the queue order and the breach watch.
    """
    with transaction.atomic():
        obligations = _locked_obligations(feedback)
        paused = [
            o for o in obligations
            if o.kind in PAUSABLE_KINDS and o.met_at is None and o.paused_since is None
        ]
        if not paused:
            return []
        for o in paused:
            o.paused_since = at
        Obligation.objects.bulk_update(paused, ["paused_since"])
        _sync(feedback, obligations)
        audit_record(
            actor=_actor_name(actor), action="feedback.clocks_paused", object_type="feedback",
            object_id=feedback.reference,
            data={"at": at, "kinds": sorted(o.kind for o in paused)},
        )
    return paused


def obligations_resume(
    *, feedback: Feedback, at: datetime, actor: User | str | None = None
) -> list[Obligation]:
    """Restart paused clocks; each deadline moves by the business time spent paused."""
    deadlines = Deadlines()
    with transaction.atomic():
        obligations = _locked_obligations(feedback)
        paused = [o for o in obligations if o.paused_since is not None]
        if not paused:
            return []
        calendar = deadlines.calendar(feedback.office)
        before = _due_map(paused)
        for o in paused:
            assert o.paused_since is not None
            waited = business_time_between(calendar, o.paused_since, at)
            o.paused_seconds += int(waited.total_seconds())
            o.paused_since = None
            deadline = deadlines.for_obligation(
                feedback=feedback, kind=o.kind, started_at=o.started_at,
                paused_seconds=o.paused_seconds,
            )
            o.due_at, o.warn_at = deadline.due_at, deadline.warn_at
        Obligation.objects.bulk_update(
            paused, ["paused_since", "paused_seconds", "due_at", "warn_at"]
        )
        _sync(feedback, obligations)
        audit_record(
            actor=_actor_name(actor), action="feedback.clocks_resumed", object_type="feedback",
            object_id=feedback.reference,
            data={
                "at": at,
                "before": before,
                "after": _due_map(paused),
                "paused_seconds": {o.kind: o.paused_seconds for o in paused},
            },
        )
    return paused


def obligations_follow_status(
    *, feedback: Feedback, before: str, after: str, at: datetime, actor: User | str | None = None
) -> None:
    """For the lifecycle: updates are owed only while the case is worked (not once
    resolved or closed), and the wait for the customer ends when the case leaves
    `in_progress` unanswered (a proposal, a merge): the question is withdrawn and the
    clocks run again, so that no clock stays stopped on a case nobody waits on."""
    if before == Status.IN_PROGRESS and after != Status.IN_PROGRESS:
        withdrawn = CustomerQuestion.objects.filter(
            feedback=feedback, answered_at__isnull=True, withdrawn_at__isnull=True
        ).update(withdrawn_at=at)
        if withdrawn:
            obligations_resume(feedback=feedback, at=at, actor=actor)
    worked = {Status.CREATED, Status.IN_PROGRESS, Status.UNDER_REVIEW}
    if (before in worked) != (after in worked):
        _updates_follow(feedback=feedback, owed=after in worked, at=at)


def _update_restart(feedback: Feedback, update: Obligation, at: datetime) -> None:
    deadline = Deadlines().for_obligation(
        feedback=feedback, kind=ObligationKind.UPDATE, started_at=at
    )
    update.started_at, update.due_at, update.warn_at = at, deadline.due_at, deadline.warn_at
    update.target_key, update.met_at = deadline.target_key, None
    update.warned_at = update.breached_at = update.paused_since = None
    update.paused_seconds = 0
    update.save()


def _updates_follow(*, feedback: Feedback, owed: bool, at: datetime) -> None:
    obligations = _locked_obligations(feedback)
    update = next((o for o in obligations if o.kind == ObligationKind.UPDATE), None)
    if update is None:
        return
    if owed and update.met_at is not None:
        _update_restart(feedback, update, at)  # back to work: updates are owed again
    elif not owed and update.met_at is None:
        update.met_at = at
        update.save(update_fields=["met_at"])
    _sync(feedback, obligations)


def obligations_customer_told(*, feedback: Feedback, at: datetime, substantive: bool) -> None:
    """The customer was told something: the next update is owed from now.

    A written message (`substantive`) also meets the first response. Call inside the
    transaction that records the message; a late update stays visible in the audit trail
    of the breach watch, which marked it missed.
    """
    obligations = _locked_obligations(feedback)
    for o in obligations:
        if o.kind == ObligationKind.FIRST_RESPONSE and substantive and o.met_at is None:
            o.met_at = at
            o.save(update_fields=["met_at"])
        elif o.kind == ObligationKind.UPDATE and o.met_at is None:
            _update_restart(feedback, o, at)
    _sync(feedback, obligations)


def _recompute_one(
    feedback: Feedback, obligations: list[Obligation], deadlines: Deadlines,
    kinds: set[str] | None,
) -> tuple[list[Obligation], dict[str, Any] | None]:
    changed: list[Obligation] = []
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for o in obligations:
        if o.met_at is not None or (kinds is not None and o.kind not in kinds):
            continue
        deadline = deadlines.for_obligation(
            feedback=feedback, kind=o.kind, started_at=o.started_at,
            paused_seconds=o.paused_seconds,
        )
        if (o.due_at, o.warn_at, o.target_key) == (
            deadline.due_at, deadline.warn_at, deadline.target_key
        ):
            continue
        before[o.kind] = {"due_at": _utc(o.due_at), "target": o.target_key}
        o.due_at, o.warn_at, o.target_key = deadline.due_at, deadline.warn_at, deadline.target_key
        after[o.kind] = {"due_at": _utc(o.due_at), "target": o.target_key}
        changed.append(o)
    return changed, ({"before": before, "after": after} if changed else None)


def obligations_recompute_many(
    *, feedback: QuerySet[Feedback], reason: str, actor: User | str | None = None,
    kinds: set[str] | None = None, batch_size: int = RECOMPUTE_BATCH,
) -> int:
    """Recompute the open deadlines of many cases after their rules changed.

    Looks at open cases with a running obligation of `kinds` (all kinds if None),
    in batches: one read of cases and obligations, one bulk update of each and
    one bulk append to the audit trail (an event per changed case, before →
    after) per batch, all in one transaction. Returns how many cases changed.
    """
    open_obligations = Obligation.objects.filter(met_at__isnull=True)
    if kinds is not None:
        open_obligations = open_obligations.filter(kind__in=kinds)
    ids = list(
        feedback.exclude(status=Status.CLOSED)
        .filter(id__in=open_obligations.values("feedback_id"))
        .order_by("id")
        .values_list("id", flat=True)
    )
    deadlines = Deadlines()
    name = _actor_name(actor)
    changed_cases = 0
    with transaction.atomic():
        for start in range(0, len(ids), batch_size):
            chunk = ids[start : start + batch_size]
            cases = (
                Feedback.objects.filter(id__in=chunk)
                .select_related("office__calendar", "category")
                .prefetch_related("obligations")
                .order_by("id")
            )
            touched: list[Obligation] = []
            copies: list[Feedback] = []
            entries: list[AuditEntry] = []
            copied_fields: set[str] = set()
            for case in cases:
                obligations = list(case.obligations.all())
                changed, data = _recompute_one(case, obligations, deadlines, kinds)
                if data is None:
                    continue
                touched.extend(changed)
                fields = copy_to_feedback(case, obligations)
                if fields:
                    copies.append(case)
                    copied_fields.update(fields)
                entries.append(
                    AuditEntry(
                        actor=name, action="feedback.deadlines_recomputed",
                        object_type="feedback", object_id=case.reference,
                        data={"reason": reason, **data},
                    )
                )
            rows_update(Obligation, touched, ["due_at", "warn_at", "target_key"])
            rows_update(Feedback, copies, sorted(copied_fields))
            audit_record_many(entries)
            changed_cases += len(entries)
    return changed_cases


def obligations_recompute(*, feedback: Feedback, actor: User | str | None = None) -> bool:
    """Recompute one case's open deadlines, e.g. after the assessment set its category."""
    changed = obligations_recompute_many(
        feedback=Feedback.objects.filter(pk=feedback.pk), reason="case changed", actor=actor
    )
    feedback.refresh_from_db(fields=["ack_due_at", "next_due_at", "next_due_kind", "next_warn_at"])
    return changed > 0

