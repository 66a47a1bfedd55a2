"""The internal process audit's services (R8.5): plan → sample → checklist confirmed or
corrected → findings (a nonconformity opens a CAPA) → finished; who may; the report."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils.translation import override

from memnun.audit.models import AuditEvent
from memnun.feedback.capa_codes import CapaSourceKind, CapaStatus
from memnun.feedback.errors import Conflict, FieldErrors, NotPermitted
from memnun.feedback.process_audit_codes import AuditStatus, ChecklistItem, FindingKind, Outcome
from memnun.feedback.process_audit_models import AuditCheck, AuditPlan
from memnun.feedback.selectors.process_audit import audit_conformance
from memnun.feedback.services.process_audit import (
    audit_check_confirm,
    audit_finding_record,
    audit_plan_create,
    audit_plan_finish,
    audit_sample_take,
)
from tests.casework import case_in, user
from tests.feedback.audits import plan_for

pytestmark = pytest.mark.django_db


def _confirm_all(plan: AuditPlan, by: str = "auditor") -> None:
    for check in AuditCheck.objects.filter(sample__plan=plan, confirmed=""):
        audit_check_confirm(actor=user(by), check=check, outcome=check.evaluated)


@override("en")  # the refusals below are matched in English
def test_an_audit_from_plan_to_finish(demo: None) -> None:
    cases = [case_in("closed"), case_in("closed")]
    case_in("resolved")  # not closed: never sampled
    plan = plan_for(drawn=False)
    assert plan.status == AuditStatus.PLANNED
    plan = audit_sample_take(actor=user("auditor"), plan=plan)
    assert plan.status == AuditStatus.IN_PROGRESS
    assert {s.feedback_id for s in plan.samples.all()} == {c.feedback.pk for c in cases}
    assert AuditCheck.objects.filter(sample__plan=plan).count() == 2 * len(ChecklistItem)
    with pytest.raises(Conflict, match="drawn already"):
        audit_sample_take(actor=user("auditor"), plan=plan)

    check = AuditCheck.objects.get(sample__feedback=cases[0].feedback,
                                   item=ChecklistItem.AGREED_OR_RECOURSE)
    assert check.evaluated == Outcome.PASS
    with pytest.raises(FieldErrors) as refused:
        audit_check_confirm(actor=user("auditor"), check=check, outcome=Outcome.FAIL)
    assert "note" in refused.value.fields
    audit_check_confirm(actor=user("auditor"), check=check, outcome=Outcome.FAIL,
                        note="Mutabakat telefonda alınmış ama kaydı eksik.")
    check.refresh_from_db()
    assert check.corrected and check.outcome == Outcome.FAIL
    assert check.confirmed_by == user("auditor")

    with pytest.raises(Conflict, match="still need"):
        audit_plan_finish(actor=user("auditor"), plan=plan)
    _confirm_all(plan)
    audit_plan_finish(actor=user("auditor"), plan=plan)
    plan.refresh_from_db()
    assert plan.status == AuditStatus.FINISHED and plan.finished_by == user("auditor")
    with pytest.raises(Conflict):
        audit_check_confirm(actor=user("auditor"), check=check, outcome=Outcome.PASS,
                            note="Geç")
    events = list(AuditEvent.objects.filter(object_type="process_audit", object_id=str(plan.pk))
                  .values_list("action", flat=True))
    assert events[0] == "process_audit.planned" and events[1] == "process_audit.sampled"
    assert events[-1] == "process_audit.finished"
    # Every item once; the corrected one was not confirmed again.
    assert events.count("process_audit.checked") == 2 * len(ChecklistItem)


def test_a_nonconformity_opens_a_capa_linked_to_the_finding(demo: None) -> None:
    case = case_in("closed")
    plan = plan_for()
    finding = audit_finding_record(
        actor=user("auditor"), plan=plan, kind=FindingKind.NONCONFORMITY,
        text="Mutabakat kaydı eksik.", feedback=case.feedback,
    )
    capa = finding.capa
    assert capa is not None and capa.status == CapaStatus.OPEN
    assert capa.problem == "Mutabakat kaydı eksik." and capa.office == case.feedback.office
    source = capa.sources.get()
    assert source.kind == CapaSourceKind.AUDIT_FINDING
    assert str(plan.pk) in source.reference and case.reference in source.reference
    assert list(capa.audit_findings.all()) == [finding]
    assert AuditEvent.objects.filter(action="capa.opened", object_id=capa.number,
                                     actor="auditor").exists()
    observation = audit_finding_record(
        actor=user("quality"), plan=plan, kind=FindingKind.OBSERVATION,
        text="Notlar kısa tutulmuş.",
    )
    assert observation.capa is None
    # Only a case of the sample.
    with pytest.raises(FieldErrors):
        audit_finding_record(actor=user("auditor"), plan=plan, kind=FindingKind.OBSERVATION,
                             text="x", feedback=case_in("closed").feedback)


@pytest.mark.parametrize("who", ["handler", "reviewer", "agent", "manager", "admin"])
def test_only_quality_and_the_auditor_run_audits(demo: None, who: str) -> None:
    case_in("closed")
    plan = plan_for(by="quality")
    with pytest.raises(NotPermitted):
        audit_plan_create(actor=user(who), title="x", period_from=date(2026, 1, 1),
                          period_to=date(2026, 1, 31), offices=["istanbul"], per_office=1,
                          per_handler=1)
    with pytest.raises(NotPermitted):
        audit_sample_take(actor=user(who), plan=plan)
    with pytest.raises(NotPermitted):
        audit_check_confirm(actor=user(who), check=AuditCheck.objects.first(),  # type: ignore[arg-type]
                            outcome=Outcome.PASS)
    with pytest.raises(NotPermitted):
        audit_finding_record(actor=user(who), plan=plan, kind=FindingKind.NONCONFORMITY,
                             text="x")
    with pytest.raises(NotPermitted):
        audit_plan_finish(actor=user(who), plan=plan)


def test_a_plan_needs_its_fields(demo: None) -> None:
    with pytest.raises(FieldErrors) as refused:
        audit_plan_create(actor=user("auditor"), title=" ", period_from=date(2026, 2, 1),
                          period_to=date(2026, 1, 1), offices=[], per_office=0,
                          per_handler=None)
    assert set(refused.value.fields) == {"title", "period_to", "offices", "per_office",
                                         "per_handler"}
    plan = audit_plan_create(actor=user("auditor"), title="Kasım", period_from=date(2026, 1, 1),
                             period_to=date(2026, 1, 31), offices=["istanbul"], per_office=1,
                             per_handler=1)
    assert 0 <= plan.seed < 2**31  # chosen and kept


def test_the_conformance_report_counts_passed_items_per_office_and_person(
    demo: None
) -> None:
    """Two closed cases of the handler: 7 items each, the reveal item not applicable
    (nothing revealed), so 12 judged; the auditor corrects one pass to a fail: 11/12."""
    first, _second = case_in("closed"), case_in("closed")
    plan = plan_for()
    unfinished = plan_for()  # an audit still in progress counts for nothing
    assert unfinished.status == AuditStatus.IN_PROGRESS
    check = AuditCheck.objects.get(sample__plan=plan, sample__feedback=first.feedback,
                                   item=ChecklistItem.SECOND_REVIEW)
    audit_check_confirm(actor=user("auditor"), check=check, outcome=Outcome.FAIL,
                        note="Onay aynı ekipten.")
    _confirm_all(plan)
    audit_plan_finish(actor=user("auditor"), plan=plan)

    report = audit_conformance(user=user("manager"), by="plan")
    assert len(report.periods) == 1
    [office] = report.offices
    assert office.who == "İstanbul"
    assert (office.tally.passed, office.tally.failed, office.tally.not_applicable) == (11, 1, 2)
    assert office.tally.share == pytest.approx(11 / 12)
    [person] = report.people
    assert person.who == "Mehmet Yıldız" and person.tally.passed == 11
    assert report.office_series() == {office.who: [pytest.approx(11 / 12)]}
    by_month = audit_conformance(user=user("auditor"), by="month")
    assert by_month.offices[0].tally.passed == 11 and len(by_month.periods) == 1
    with pytest.raises(NotPermitted):
        audit_conformance(user=user("handler"))


# Loaded on a Friday evening (the fax arrives then, after hours), on a Saturday, and
# just before the Kurban Bayramı's long holiday: the fax's call-back is late each time.
@pytest.mark.parametrize("loaded", ["2026-12-04T16:37:00Z", "2026-11-28T09:00:00Z",
                                    "2026-07-06T15:00:00Z"])
def test_the_demo_audit_finds_the_late_fax_whenever_it_is_loaded(demo: None, loaded: str) -> None:
    from datetime import datetime

    from memnun.feedback.process_audit_demo import process_audit_demo_load

    assert process_audit_demo_load(now=datetime.fromisoformat(loaded)) == 1
    plan = AuditPlan.objects.get()
    late = AuditCheck.objects.get(sample__plan=plan, item=ChecklistItem.ACK_ON_TIME,
                                  evaluated=Outcome.FAIL)
    assert plan.findings.get(kind=FindingKind.NONCONFORMITY).feedback == late.sample.feedback
    assert plan.status == AuditStatus.FINISHED


def test_the_demo_has_one_finished_audit_and_loads_twice(demo: None) -> None:
    with override_settings(DEMO=True):
        call_command("load_demo", stdout=io.StringIO())
        call_command("load_demo", stdout=io.StringIO())
    plan = AuditPlan.objects.get()
    assert plan.status == AuditStatus.FINISHED and plan.samples.count() == 3
    assert not AuditCheck.objects.filter(sample__plan=plan, confirmed="").exists()
    # The late fax acknowledgement fails and is the nonconformity, with its CAPA.
    late = AuditCheck.objects.get(sample__plan=plan, item=ChecklistItem.ACK_ON_TIME,
                                  evaluated=Outcome.FAIL)
    finding = plan.findings.get(kind=FindingKind.NONCONFORMITY)
    assert finding.feedback == late.sample.feedback and finding.capa is not None
    assert plan.findings.filter(kind=FindingKind.OBSERVATION).count() == 1
    report = audit_conformance(user=user("manager"))
    assert [row.tally.failed for row in report.offices] == [1]
