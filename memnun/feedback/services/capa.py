"""The CAPA register's writers (DÖF, R8.7): the only code that changes a CAPA.

The rules, here and nowhere else:
- open, edit, link cases, add and finish actions: `manage_capa` (handler,
  reviewer, quality); record an effectiveness check: `check_capa` (reviewer,
  quality); close: `close_capa` (quality only) — 403 otherwise.
- status follows the work: open (no action yet, or a check found it
  ineffective) → actions in progress (an action open) → awaiting effectiveness
  check (every action done) → closed.
- a check needs every action done, and after an ineffective one at least one
  new action: an ineffective check sends the CAPA back to open.
- "effective" on a measured criterion needs the criterion met now
  (`selectors/capa_criteria.py`); "ineffective" needs notes saying why.
- closing needs the latest check to be effective.
Each function is one transaction that locks the CAPA row and writes an audit
event (`capa.*`, object `capa`, its number); free text stays out of the event.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from memnun.accounts.models import User
from memnun.audit.chain import audit_record
from memnun.feedback.capa_codes import (
    AnalysisMethod,
    CapaActionStatus,
    CapaKind,
    CapaSourceKind,
    CapaStatus,
    CheckResult,
    CriterionKind,
)
from memnun.feedback.capa_models import (
    Capa,
    CapaAction,
    CapaCheck,
    CapaCounter,
    CapaSource,
    CapaWhy,
)
from memnun.feedback.codes import FeedbackType
from memnun.feedback.errors import Conflict, FieldErrors, NotPermitted
from memnun.feedback.models import Feedback
from memnun.feedback.permissions import (
    Action,
    capa_in_scope,
    may,
    require,
    require_capa,
    sees_every_office,
)
from memnun.feedback.references import year_counter_advance
from memnun.feedback.selectors.capa_criteria import (
    MEASURED_KINDS,
    State,
    capa_criterion_evaluate,
)
from memnun.feedback.selectors.reports.periods import report_today
from memnun.feedback.services.common import now_or
from memnun.organisation.models import Category, Office, RootCauseCategory

A = Action
WHYS_MAX = 5


@dataclass(frozen=True)
class CapaInput:
    """A CAPA's own fields, as a form or a caller gives them (codes, not rows)."""

    kind: str = CapaKind.CORRECTIVE
    problem: str = ""
    office: str | None = None
    category: str | None = None
    analysis_method: str = ""
    # (why, because) in order; blank rows are dropped.
    whys: Sequence[tuple[str, str]] = ()
    cause_categories: Sequence[str] = ()
    findings: str = ""
    criterion_kind: str = CriterionKind.JUDGED
    criterion_days: int | None = None
    criterion_weeks: int | None = None
    criterion_level: int | None = None
    criterion_text: str = ""
    check_planned_on: date | None = None


@dataclass(frozen=True)
class SourceInput:
    """A source other than a complaint: its kind and what it is (free text for now)."""

    kind: str
    reference: str


@dataclass
class _Checked:
    office: Office | None = None
    category: Category | None = None
    causes: list[RootCauseCategory] = field(default_factory=list)
    whys: list[tuple[str, str]] = field(default_factory=list)


def _audit(*, actor: User | None, action: str, capa: Capa, data: dict[str, Any]) -> None:
    audit_record(
        actor=actor.username if actor is not None else "", action=action,
        object_type="capa", object_id=capa.number, data=data,
    )


def capa_number_allocate(*, year: int) -> str:
    """The next number of the year (DÖF-2026-0001); inside the transaction that stores it."""
    return f"DÖF-{year}-{year_counter_advance(CapaCounter, year=year):04d}"


def _check(data: CapaInput, errors: dict[str, list[str]] | None = None) -> _Checked:
    """Every field's rule; FieldErrors (422) with a message per field (and the caller's)."""
    errors = errors if errors is not None else {}
    found = _Checked()

    def bad(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if data.kind not in CapaKind.values:
        bad("kind", _("Choose corrective or preventive."))
    if not data.problem.strip():
        bad("problem", _("Describe the problem."))
    if data.office:
        found.office = Office.objects.filter(code=data.office, is_active=True).first()
        if found.office is None:
            bad("office", _("Unknown office."))
    if data.category:
        found.category = Category.objects.filter(code=data.category, is_active=True).first()
        if found.category is None:
            bad("category", _("Unknown category."))
    if data.analysis_method and data.analysis_method not in AnalysisMethod.values:
        bad("analysis_method", _("Unknown analysis method."))
    found.whys = [(w.strip(), b.strip()) for w, b in data.whys if w.strip() or b.strip()]
    if len(found.whys) > WHYS_MAX:
        bad("whys", _("At most five whys."))
    if any(not w or not b for w, b in found.whys):
        bad("whys", _("Each why needs its answer (because …), and each answer its why."))
    codes = list(dict.fromkeys(data.cause_categories))
    found.causes = list(RootCauseCategory.objects.filter(code__in=codes, is_active=True))
    if len(found.causes) != len(codes):
        bad("cause_categories", _("Unknown root cause category."))
    if data.criterion_kind not in CriterionKind.values:
        bad("criterion_kind", _("Unknown criterion."))
    measured = data.criterion_kind in MEASURED_KINDS
    if measured and found.category is None and "category" not in errors:
        bad("category", _("A measured criterion counts the complaints of a category: choose it."))
    if data.criterion_kind == CriterionKind.NO_COMPLAINTS and not data.criterion_days:
        bad("criterion_days", _("Say for how many days no complaint should come."))
    if data.criterion_kind == CriterionKind.WEEKLY_VOLUME:
        if not data.criterion_weeks:
            bad("criterion_weeks", _("Say over how many weeks the volume is measured."))
        if data.criterion_level is None:
            bad("criterion_level", _("Say the weekly level not to exceed."))
    if data.criterion_kind == CriterionKind.JUDGED and not data.criterion_text.strip():
        bad("criterion_text", _("Say what the quality manager will judge."))
    if errors:
        raise FieldErrors(errors)
    return found


def _write_fields(capa: Capa, data: CapaInput, found: _Checked) -> None:
    capa.kind = data.kind
    capa.problem = data.problem.strip()
    capa.office = found.office
    capa.category = found.category
    capa.analysis_method = data.analysis_method
    capa.findings = data.findings.strip()
    capa.criterion_kind = data.criterion_kind
    # Only the chosen kind's figures are kept.
    days = data.criterion_kind == CriterionKind.NO_COMPLAINTS
    weekly = data.criterion_kind == CriterionKind.WEEKLY_VOLUME
    capa.criterion_days = data.criterion_days if days else None
    capa.criterion_weeks = data.criterion_weeks if weekly else None
    capa.criterion_level = data.criterion_level if weekly else None
    measured = data.criterion_kind in MEASURED_KINDS
    capa.criterion_text = "" if measured else data.criterion_text.strip()
    capa.check_planned_on = data.check_planned_on


def _write_analysis(capa: Capa, found: _Checked) -> None:
    CapaWhy.objects.filter(capa=capa).delete()
    CapaWhy.objects.bulk_create(
        CapaWhy(capa=capa, position=i, why=w, because=b)
        for i, (w, b) in enumerate(found.whys, start=1)
    )
    capa.cause_categories.set(found.causes)


def _case_for_source(actor: User, feedback: Feedback) -> None:
    if not may(actor, A.VIEW, feedback):
        raise NotPermitted(_("You may not see this case."))
    if feedback.type != FeedbackType.COMPLAINT:
        raise Conflict(_("Only complaints are CAPA sources."))


def _source_link(*, capa: Capa, feedback: Feedback, actor: User, at: datetime) -> bool:
    """Link the case; False when it was linked already."""
    if capa.sources.filter(feedback=feedback).exists():
        return False
    CapaSource.objects.create(
        capa=capa, kind=CapaSourceKind.COMPLAINT, feedback=feedback, added_by=actor, added_at=at
    )
    return True


def _stays_in_scope(actor: User, *, office: str | None, case_offices: set[int]) -> None:
    """What an office-bound role opens or edits stays in its scope (else it would make a
    CAPA it may not see): of its own office, or for every office with no case or one of
    its office's cases among the sources."""
    if sees_every_office(actor):
        return
    own = actor.office.code if actor.office is not None else None
    if (office and office != own) or (
        not office and case_offices and actor.office_id not in case_offices
    ):
        raise FieldErrors({"office": [_("Choose your own office.")]})


def capa_open(
    *, actor: User, data: CapaInput, cases: Sequence[Feedback] = (),
    source: SourceInput | None = None, now: datetime | None = None,
) -> Capa:
    """A new CAPA from one or more complaints and/or another finding."""
    require(actor, A.MANAGE_CAPA)
    _stays_in_scope(actor, office=data.office, case_offices={f.office_id for f in cases})
    return _capa_create(actor=actor, data=data, cases=cases, source=source, now=now)


def capa_open_from_audit_finding(
    *, actor: User, problem: str, office: str | None, reference: str,
    now: datetime | None = None,
) -> Capa:
    """A corrective action opened by a process audit's nonconformity (R8.5): the finding
    is its source. An auditor may do this (`manage_process_audits`) though they work no
    other CAPA: recording the finding is their job, the actions are quality's."""
    require(actor, A.MANAGE_PROCESS_AUDITS)
    return _capa_create(
        actor=actor,
        data=CapaInput(
            kind=CapaKind.CORRECTIVE, problem=problem, office=office,
            criterion_kind=CriterionKind.JUDGED,
            criterion_text=_("To be set: how this CAPA's effectiveness will be judged."),
        ),
        source=SourceInput(CapaSourceKind.AUDIT_FINDING, reference), now=now,
    )


def capa_open_from_review_decision(
    *, actor: User, problem: str, reference: str, now: datetime | None = None,
) -> Capa:
    """A corrective action opened by a management review's decision (R8.6): the decision
    is its source. Top management may do this (`manage_reviews`) though it works no other
    CAPA: deciding is its job, the analysis and actions are quality's. Called inside the
    transaction that records the decision (services/management_review.py)."""
    require(actor, A.MANAGE_REVIEWS)
    return _capa_create(
        actor=actor,
        data=CapaInput(
            kind=CapaKind.CORRECTIVE, problem=problem, criterion_kind=CriterionKind.JUDGED,
            criterion_text=_("To be set: how this CAPA's effectiveness will be judged."),
        ),
        source=SourceInput(CapaSourceKind.MANAGEMENT_REVIEW, reference), now=now,
    )


def _capa_create(
    *, actor: User, data: CapaInput, cases: Sequence[Feedback] = (),
    source: SourceInput | None = None, now: datetime | None = None,
) -> Capa:
    for feedback in cases:
        _case_for_source(actor, feedback)
    source_errors: dict[str, list[str]] = {}
    if source is not None and (
        source.kind not in CapaSourceKind.values or source.kind == CapaSourceKind.COMPLAINT
    ):
        source_errors["source_kind"] = [_("Unknown source.")]
    if source is not None and not source.reference.strip():
        source_errors["source_reference"] = [_("Say which finding or decision it is.")]
    if not cases and source is None:
        source_errors["source_kind"] = [_(
            "Give the CAPA's source: a complaint, or a finding or decision."
        )]
    found = _check(data, source_errors)
    at = now_or(now)
    with transaction.atomic():
        capa = Capa(
            number=capa_number_allocate(year=report_today(now=at).year),
            created_by=actor, created_at=at,
        )
        _write_fields(capa, data, found)
        capa.save()
        _write_analysis(capa, found)
        for feedback in cases:
            _source_link(capa=capa, feedback=feedback, actor=actor, at=at)
        if source is not None:
            CapaSource.objects.create(
                capa=capa, kind=source.kind, reference=source.reference.strip(),
                added_by=actor, added_at=at,
            )
        _audit(actor=actor, action="capa.opened", capa=capa, data={
            "kind": capa.kind, "office": data.office, "category": data.category,
            "cases": [f.reference for f in cases], "source": source.kind if source else None,
            "criterion": capa.criterion_kind,
        })
    return capa


def _lock(capa: Capa) -> Capa:
    return Capa.objects.select_for_update().get(pk=capa.pk)


def _not_closed(capa: Capa) -> None:
    if capa.status == CapaStatus.CLOSED:
        raise Conflict(_("This CAPA is closed."))


def _set_status(capa: Capa, status: str) -> dict[str, str]:
    before = capa.status
    capa.status = status
    capa.save(update_fields=["status"])
    return {"before": before, "after": status}


def capa_update(
    *, actor: User, capa: Capa, data: CapaInput, now: datetime | None = None
) -> Capa:
    """The problem, the analysis and the criterion, edited while the CAPA is not closed."""
    require_capa(actor, A.MANAGE_CAPA, capa)
    _stays_in_scope(actor, office=data.office, case_offices=set(
        capa.sources.filter(feedback__isnull=False).values_list("feedback__office_id", flat=True)
    ))
    found = _check(data)
    with transaction.atomic():
        capa = _lock(capa)
        _not_closed(capa)
        _write_fields(capa, data, found)
        capa.save()
        _write_analysis(capa, found)
        _audit(actor=actor, action="capa.updated", capa=capa, data={
            "kind": capa.kind, "office": data.office, "category": data.category,
            "analysis_method": capa.analysis_method, "whys": len(found.whys),
            "cause_categories": [c.code for c in found.causes],
            "criterion": capa.criterion_kind,
        })
    return capa


def capa_link_case(
    *, actor: User, capa: Capa, feedback: Feedback, now: datetime | None = None
) -> Capa:
    """One more complaint as a source of the CAPA."""
    require_capa(actor, A.MANAGE_CAPA, capa)
    _case_for_source(actor, feedback)
    at = now_or(now)
    with transaction.atomic():
        capa = _lock(capa)
        _not_closed(capa)
        if _source_link(capa=capa, feedback=feedback, actor=actor, at=at):
            _audit(actor=actor, action="capa.case_linked", capa=capa,
                   data={"feedback": feedback.reference})
    return capa


def capa_open_from_case(
    *, actor: User, feedback: Feedback, problem: str,
    root_cause_category: RootCauseCategory | None, now: datetime | None = None,
) -> Capa:
    """A corrective action opened from a case: the case its source, its office,
    category and root-cause category carried over (the rest is completed on its page)."""
    return capa_open(
        actor=actor,
        data=CapaInput(
            kind=CapaKind.CORRECTIVE, problem=problem,
            office=feedback.office.code,
            category=feedback.category.code if feedback.category else None,
            analysis_method=AnalysisMethod.CAUSE_CATEGORIES if root_cause_category else "",
            cause_categories=[root_cause_category.code] if root_cause_category else [],
            criterion_kind=CriterionKind.JUDGED,
            criterion_text=_("To be set: how this CAPA's effectiveness will be judged."),
        ),
        cases=[feedback], now=now,
    )


def _status_from_actions(capa: Capa) -> str:
    statuses = list(capa.actions.values_list("status", flat=True))
    if not statuses:
        return CapaStatus.OPEN
    if CapaActionStatus.OPEN in statuses:
        return CapaStatus.IN_PROGRESS
    return CapaStatus.AWAITING_CHECK


def capa_action_add(
    *, actor: User, capa: Capa, description: str, owner: str, due_on: date | None,
    now: datetime | None = None,
) -> CapaAction:
    """An action with its owner (who may work this CAPA) and due date; the CAPA is in
    progress."""
    require_capa(actor, A.MANAGE_CAPA, capa)
    errors: dict[str, list[str]] = {}
    person = User.objects.filter(username=owner, is_active=True).first() if owner else None
    if person is None or not may(person, A.MANAGE_CAPA) or not capa_in_scope(person, capa):
        errors["owner"] = [_("Choose an owner who may work on CAPAs.")]
    if not description.strip():
        errors["description"] = [_("Describe the action.")]
    if due_on is None:
        errors["due_on"] = [_("Give the due date.")]
    if errors:
        raise FieldErrors(errors)
    assert person is not None and due_on is not None
    at = now_or(now)
    with transaction.atomic():
        capa = _lock(capa)
        _not_closed(capa)
        action = CapaAction.objects.create(
            capa=capa, description=description.strip(), owner=person, due_on=due_on,
            created_by=actor, created_at=at,
        )
        change = _set_status(capa, CapaStatus.IN_PROGRESS)
        _audit(actor=actor, action="capa.action_added", capa=capa, data={
            "action_id": action.pk, "owner": person.username, "due_on": due_on.isoformat(),
            "status": change,
        })
    return action


def capa_action_done(
    *, actor: User, action: CapaAction, now: datetime | None = None
) -> CapaAction:
    """The action is done; with every action done the CAPA awaits its effectiveness check."""
    require_capa(actor, A.MANAGE_CAPA, action.capa)
    at = now_or(now)
    with transaction.atomic():
        capa = _lock(action.capa)
        _not_closed(capa)
        action = CapaAction.objects.get(pk=action.pk)
        if action.status == CapaActionStatus.DONE:
            raise Conflict(_("This action is done already."))
        action.status = CapaActionStatus.DONE
        action.done_at = at
        action.done_by = actor
        action.save(update_fields=["status", "done_at", "done_by"])
        change = _set_status(capa, _status_from_actions(capa))
        _audit(actor=actor, action="capa.action_done", capa=capa,
               data={"action_id": action.pk, "status": change})
    return action


def _latest_check(capa: Capa) -> CapaCheck | None:
    return capa.checks.order_by("-checked_at", "-id").first()


def _effective_on_record(capa: Capa, latest: CapaCheck | None) -> bool:
    """The latest check found it effective and no action was added since."""
    return (
        latest is not None and latest.result == CheckResult.EFFECTIVE
        and not capa.actions.filter(created_at__gt=latest.checked_at).exists()
    )


def capa_check_record(
    *, actor: User, capa: Capa, result: str, notes: str = "", now: datetime | None = None
) -> CapaCheck:
    """The effectiveness check's result. Ineffective sends the CAPA back to open."""
    require_capa(actor, A.CHECK_CAPA, capa)
    if result not in CheckResult.values:
        raise FieldErrors({"result": [_("Choose effective or ineffective.")]})
    at = now_or(now)
    with transaction.atomic():
        capa = _lock(capa)
        _not_closed(capa)
        latest = _latest_check(capa)
        if capa.status != CapaStatus.AWAITING_CHECK:
            if latest is not None and latest.result == CheckResult.INEFFECTIVE and (
                not capa.actions.filter(created_at__gt=latest.checked_at).exists()
            ):
                raise Conflict(_(
                    "The last check found the actions ineffective: add new actions and finish"
                    " them before another check."
                ))
            raise Conflict(_("Every action must be done before the effectiveness check."))
        if _effective_on_record(capa, latest):
            raise Conflict(_("An effective check is on record: the CAPA can be closed."))
        evaluation = capa_criterion_evaluate(capa=capa, now=at)
        if result == CheckResult.EFFECTIVE and evaluation.measured and (
            evaluation.state != State.MET
        ):
            raise Conflict(_(
                "The measured criterion is not met (%(summary)s): the check cannot say"
                " effective."
            ) % {"summary": evaluation.summary})
        if not notes.strip() and (
            result == CheckResult.INEFFECTIVE or not evaluation.measured
        ):
            raise FieldErrors({"notes": [_(
                "Say what was found: why the actions were ineffective, or how the criterion"
                " was judged."
            )]})
        check = CapaCheck.objects.create(
            capa=capa, result=result, notes=notes.strip(), measured=evaluation.snapshot(),
            checked_by=actor, checked_at=at,
        )
        change = {"before": capa.status, "after": capa.status}
        if result == CheckResult.INEFFECTIVE:
            change = _set_status(capa, CapaStatus.OPEN)
        _audit(actor=actor, action="capa.checked", capa=capa, data={
            "check_id": check.pk, "result": result, "criterion": evaluation.snapshot(),
            "status": change,
        })
    return check


def capa_close(*, actor: User, capa: Capa, now: datetime | None = None) -> Capa:
    """Closed by a quality manager, once an effective check is the latest on record."""
    require_capa(actor, A.CLOSE_CAPA, capa)
    at = now_or(now)
    with transaction.atomic():
        capa = _lock(capa)
        _not_closed(capa)
        latest = _latest_check(capa)
        if capa.status != CapaStatus.AWAITING_CHECK or not _effective_on_record(capa, latest):
            raise Conflict(_("A CAPA closes only after an effectiveness check found it effective."))
        change = _set_status(capa, CapaStatus.CLOSED)
        capa.closed_at = at
        capa.closed_by = actor
        capa.save(update_fields=["closed_at", "closed_by"])
        _audit(actor=actor, action="capa.closed", capa=capa,
               data={"check_id": latest.pk if latest else None, "status": change})
    return capa
