"""The internal process audit's writers (R8.5): the only code that changes an audit.

The rules, here and nowhere else:
- every write needs `manage_process_audits` (quality and the auditor; 403 otherwise);
- a plan is planned → in progress (its sample drawn, `selectors/audit_sampler.py`,
  each case's checklist evaluated from its records, `selectors/audit_checklist.py`)
  → finished; a step out of order is refused (409);
- the auditor confirms each checklist result or corrects it; a correction needs a
  note saying why (422); only while the audit is in progress (409);
- a finding is recorded while the audit is in progress, about one of its sampled
  cases or the audit as a whole; a nonconformity opens a CAPA whose source is the
  finding (`services/capa.py`), an observation does not;
- an audit finishes only when every checklist result is confirmed or corrected.
Each function is one transaction that locks the plan and writes an audit event
(`process_audit.*`, object `process_audit`, its id); free text stays out of the events.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from memnun.accounts.models import User
from memnun.audit.chain import audit_record
from memnun.feedback.errors import Conflict, FieldErrors
from memnun.feedback.models import Feedback
from memnun.feedback.permissions import Action, require
from memnun.feedback.process_audit_codes import AuditStatus, FindingKind, Outcome
from memnun.feedback.process_audit_models import (
    AuditCheck,
    AuditFinding,
    AuditPlan,
    AuditSample,
)
from memnun.feedback.selectors.audit_checklist import checklist_evaluate
from memnun.feedback.selectors.audit_sampler import audit_sample_draw
from memnun.feedback.services.capa import capa_open_from_audit_finding
from memnun.feedback.services.common import now_or
from memnun.organisation.models import Office

A = Action
SAMPLE_MAX = 50  # per office and per handler: an audit is read by a person


def _audit(*, actor: User, action: str, plan: AuditPlan, data: dict[str, Any]) -> None:
    audit_record(
        actor=actor.username, action=action, object_type="process_audit",
        object_id=str(plan.pk), data=data,
    )


def _lock(plan: AuditPlan) -> AuditPlan:
    return AuditPlan.objects.select_for_update().get(pk=plan.pk)


def _in_progress(plan: AuditPlan) -> None:
    if plan.status != AuditStatus.IN_PROGRESS:
        raise Conflict(_("Only an audit in progress (its sample drawn, not finished) can be"
                         " worked on."))


def audit_plan_create(
    *, actor: User, title: str, period_from: date | None, period_to: date | None,
    offices: Sequence[str], per_office: int | None, per_handler: int | None,
    seed: int | None = None, now: datetime | None = None,
) -> AuditPlan:
    """A planned audit; without a seed one is chosen (and kept, so the draw can be redone)."""
    require(actor, A.MANAGE_PROCESS_AUDITS)
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [_("Give the audit a title.")]
    if period_from is None:
        errors["period_from"] = [_("Give the first day of the period.")]
    if period_to is None:
        errors["period_to"] = [_("Give the last day of the period.")]
    elif period_from is not None and period_to < period_from:
        errors["period_to"] = [_("The period ends before it begins.")]
    codes = list(dict.fromkeys(offices))
    rows = list(Office.objects.filter(code__in=codes))
    if not codes:
        errors["offices"] = [_("Choose at least one office.")]
    elif len(rows) != len(codes):
        errors["offices"] = [_("Unknown office.")]
    for name, value in (("per_office", per_office), ("per_handler", per_handler)):
        if value is None or not 1 <= value <= SAMPLE_MAX:
            errors[name] = [_("Give a number from 1 to %(max)s.") % {"max": SAMPLE_MAX}]
    if seed is not None and not 0 <= seed < 2**31:
        errors["seed"] = [_("Give a whole number from 0 to 2147483647, or leave it empty.")]
    if errors:
        raise FieldErrors(errors)
    assert period_from and period_to and per_office and per_handler
    at = now_or(now)
    with transaction.atomic():
        plan = AuditPlan.objects.create(
            title=title.strip(), period_from=period_from, period_to=period_to,
            per_office=per_office, per_handler=per_handler,
            seed=seed if seed is not None else random.SystemRandom().randrange(2**31),
            created_by=actor, created_at=at,
        )
        plan.offices.set(rows)
        _audit(actor=actor, action="process_audit.planned", plan=plan, data={
            "period": [period_from.isoformat(), period_to.isoformat()],
            "offices": sorted(codes), "per_office": per_office, "per_handler": per_handler,
            "seed": plan.seed,
        })
    return plan


def audit_sample_take(*, actor: User, plan: AuditPlan, now: datetime | None = None) -> AuditPlan:
    """Draw the sample and evaluate each case's checklist from its records."""
    require(actor, A.MANAGE_PROCESS_AUDITS)
    at = now_or(now)
    with transaction.atomic():
        plan = _lock(plan)
        if plan.status != AuditStatus.PLANNED:
            raise Conflict(_("The sample of this audit is drawn already."))
        offices = list(plan.offices.order_by("code").values_list("id", flat=True))
        drawn = audit_sample_draw(
            office_ids=offices, period_from=plan.period_from, period_to=plan.period_to,
            per_office=plan.per_office, per_handler=plan.per_handler, seed=plan.seed,
        )
        cases = Feedback.objects.in_bulk([d.feedback_id for d in drawn])
        checks: list[AuditCheck] = []
        for position, d in enumerate(drawn, start=1):
            sample = AuditSample.objects.create(
                plan=plan, feedback_id=d.feedback_id, office_id=d.office_id,
                handler_id=d.handler_id, position=position,
            )
            checks.extend(
                AuditCheck(sample=sample, item=r.item, evaluated=r.outcome, evidence=r.evidence)
                for r in checklist_evaluate(cases[d.feedback_id])
            )
        AuditCheck.objects.bulk_create(checks)
        plan.status = AuditStatus.IN_PROGRESS
        plan.drawn_at = at
        plan.save(update_fields=["status", "drawn_at"])
        _audit(actor=actor, action="process_audit.sampled", plan=plan, data={
            "seed": plan.seed, "cases": [cases[d.feedback_id].reference for d in drawn],
        })
    return plan


def audit_check_confirm(
    *, actor: User, check: AuditCheck, outcome: str, note: str = "",
    now: datetime | None = None,
) -> AuditCheck:
    """The auditor's word on one checklist result: the same outcome, or another with a note."""
    require(actor, A.MANAGE_PROCESS_AUDITS)
    if outcome not in Outcome.values:
        raise FieldErrors({"outcome": [_("Choose pass, fail or not applicable.")]})
    at = now_or(now)
    with transaction.atomic():
        plan = _lock(check.sample.plan)
        _in_progress(plan)
        check = AuditCheck.objects.select_related("sample__feedback").get(pk=check.pk)
        if outcome != check.evaluated and not note.strip():
            raise FieldErrors({"note": [_(
                "Say why the records' result is corrected."
            )]})
        before = check.confirmed
        check.confirmed = outcome
        check.note = note.strip()
        check.confirmed_by = actor
        check.confirmed_at = at
        check.save(update_fields=["confirmed", "note", "confirmed_by", "confirmed_at"])
        _audit(actor=actor, action="process_audit.checked", plan=plan, data={
            "feedback": check.sample.feedback.reference, "item": check.item,
            "evaluated": check.evaluated, "before": before or None, "after": outcome,
        })
    return check


def audit_finding_record(
    *, actor: User, plan: AuditPlan, kind: str, text: str, feedback: Feedback | None = None,
    now: datetime | None = None,
) -> AuditFinding:
    """A finding of the audit (about one sampled case, or none); a nonconformity opens a CAPA."""
    require(actor, A.MANAGE_PROCESS_AUDITS)
    errors: dict[str, list[str]] = {}
    if kind not in FindingKind.values:
        errors["kind"] = [_("Choose nonconformity or observation.")]
    if not text.strip():
        errors["text"] = [_("Describe the finding.")]
    if feedback is not None and not plan.samples.filter(feedback=feedback).exists():
        errors["case"] = [_("The case is not in this audit's sample.")]
    if errors:
        raise FieldErrors(errors)
    at = now_or(now)
    with transaction.atomic():
        plan = _lock(plan)
        _in_progress(plan)
        finding = AuditFinding(
            plan=plan, feedback=feedback, kind=kind, text=text.strip(), recorded_by=actor,
            recorded_at=at,
        )
        if kind == FindingKind.NONCONFORMITY:
            offices = list(plan.offices.all())
            office = feedback.office if feedback is not None else (
                offices[0] if len(offices) == 1 else None
            )
            finding.capa = capa_open_from_audit_finding(
                actor=actor, problem=finding.text,
                office=office.code if office is not None else None,
                reference=_audit_reference(plan, feedback), now=at,
            )
        finding.save()
        _audit(actor=actor, action="process_audit.finding_recorded", plan=plan, data={
            "finding_id": finding.pk, "kind": kind,
            "feedback": feedback.reference if feedback is not None else None,
            "capa": finding.capa.number if finding.capa is not None else None,
        })
    return finding


def _audit_reference(plan: AuditPlan, feedback: Feedback | None) -> str:
    """The CAPA's source, in words: the audit and the case (the finding links back)."""
    words = _("Process audit %(id)s: %(title)s") % {"id": plan.pk, "title": plan.title}
    if feedback is not None:
        words = f"{words} ({feedback.reference})"
    return words[:200]


def audit_plan_finish(*, actor: User, plan: AuditPlan, now: datetime | None = None) -> AuditPlan:
    """The audit is finished once every checklist result has the auditor's word."""
    require(actor, A.MANAGE_PROCESS_AUDITS)
    at = now_or(now)
    with transaction.atomic():
        plan = _lock(plan)
        _in_progress(plan)
        open_checks = AuditCheck.objects.filter(sample__plan=plan, confirmed="").count()
        if open_checks:
            raise Conflict(_(
                "%(n)s checklist results still need the auditor's confirmation or correction."
            ) % {"n": open_checks})
        plan.status = AuditStatus.FINISHED
        plan.finished_by = actor
        plan.finished_at = at
        plan.save(update_fields=["status", "finished_by", "finished_at"])
        _audit(actor=actor, action="process_audit.finished", plan=plan, data={
            "cases": plan.samples.count(), "findings": plan.findings.count(),
        })
    return plan
