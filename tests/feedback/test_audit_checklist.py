"""The process audit's checklist (R8.5): each item evaluated from a case's records, on
cases built to pass and to fail it.

Cases are walked through the real services. A record the services refuse to write
today (an approval by the proposer, a reveal without a reason) is what an audit
exists to catch in older or imported data: those few are put in place directly,
each saying so.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from django.utils.translation import override

from memnun.audit.chain import audit_record
from memnun.feedback.codes import Closure, ProposalDecision
from memnun.feedback.models import CaseMessage, Feedback
from memnun.feedback.process_audit_codes import ChecklistItem, Outcome
from memnun.feedback.selectors.audit_checklist import RULES, checklist_evaluate
from memnun.feedback.services.acknowledgement import feedback_acknowledge
from memnun.feedback.services.intake import CustomerInput
from memnun.feedback.services.lifecycle import feedback_close
from memnun.feedback.services.personal_data import personal_data_reveal
from tests.casework import Case, case_in, user
from tests.feedback.cases import record

pytestmark = pytest.mark.django_db
P, F, NA = Outcome.PASS, Outcome.FAIL, Outcome.NOT_APPLICABLE
Item = ChecklistItem


def outcome(item: str, feedback: Feedback) -> str:
    feedback.refresh_from_db()
    return RULES[item](feedback)[0]


def test_a_case_handled_by_the_book_passes_every_item_that_applies(demo: None) -> None:
    case = case_in("closed")
    personal_data_reveal(actor=user("handler"), feedback=case.fresh(),
                         reason="Müşteriyi geri aramak için.")
    results = {r.item: r for r in checklist_evaluate(case.fresh())}
    assert list(results) == list(Item.values)
    assert {r.outcome for r in results.values()} == {P}
    assert all(r.evidence for r in results.values())


def test_acknowledged_on_time(demo: None) -> None:
    on_phone = case_in("closed").feedback  # acknowledged on the call itself
    assert outcome(Item.ACK_ON_TIME, on_phone) == P
    late = record(
        channel="fax", received_at=timezone.now() - timedelta(days=5),
        customer=CustomerInput(name="Ali Veli", phone="+905321112233",
                               preferred_contact="phone"),
    )
    assert outcome(Item.ACK_ON_TIME, late) == F  # never acknowledged
    feedback_acknowledge(actor=user("agent"), feedback=late, method="phone")
    assert outcome(Item.ACK_ON_TIME, late) == F  # five days on: after its deadline
    with override("en"):
        assert "after its deadline" in RULES[Item.ACK_ON_TIME](late)[1]


def test_assessed_before_investigation(demo: None) -> None:
    assert outcome(Item.ASSESSED_FIRST, case_in("closed").feedback) == P
    assert outcome(Item.ASSESSED_FIRST, Case().feedback) == NA  # never investigated
    # A case brought over from an older system: its trail shows the investigation
    # starting before any assessment (the services cannot start without one).
    imported = Case().feedback
    with transaction.atomic():
        for action, data in (
            ("feedback.moved", {"move": "start", "before": {"status": "created"},
                                "after": {"status": "in_progress"}}),
            ("feedback.assessed", {"before": {}, "after": {"category": "repair-delay"}}),
        ):
            audit_record(actor="handler", action=action, object_type="feedback",
                         object_id=imported.reference, data=data)
    assert outcome(Item.ASSESSED_FIRST, imported) == F


def test_root_cause_and_corrective_action_present(demo: None) -> None:
    case = case_in("closed")
    assert outcome(Item.ROOT_CAUSE, case.feedback) == P
    assert outcome(Item.ROOT_CAUSE, case_in("in_progress").feedback) == F  # nothing approved
    suggestion = Case(type="suggestion").start().propose().approve().close()
    assert outcome(Item.ROOT_CAUSE, suggestion.feedback) == NA
    # An approval from before the rule: no corrective action, no CAPA.
    case.feedback.proposals.update(corrective_action="")
    assert outcome(Item.ROOT_CAUSE, case.feedback) == F


def test_reviewed_by_a_second_person(demo: None) -> None:
    case = case_in("closed")
    assert outcome(Item.SECOND_REVIEW, case.feedback) == P
    assert outcome(Item.SECOND_REVIEW, case_in("under_review").feedback) == F  # not yet approved
    # Approved by its own proposer (refused by the lifecycle today; an older record).
    proposal = case.feedback.proposals.get(decision=ProposalDecision.APPROVED)
    case.feedback.proposals.update(decided_by=proposal.proposed_by)
    assert outcome(Item.SECOND_REVIEW, case.feedback) == F


def test_customer_agreed_or_recourse_given(demo: None) -> None:
    assert outcome(Item.AGREED_OR_RECOURSE, case_in("closed").feedback) == P
    exhausted = case_in("resolved").answer(accept=False)
    feedback_close(actor=user("quality"), feedback=exhausted.fresh(),
                   closure=Closure.OPTIONS_EXHAUSTED,
                   external_recourse="İlçe tüketici hakem heyetine başvurabilirsiniz.")
    assert outcome(Item.AGREED_OR_RECOURSE, exhausted.feedback) == P
    # The recourse message is gone from the record: nothing shows the customer was told.
    CaseMessage.objects.filter(feedback=exhausted.feedback, body__contains="hakem heyetine "
                               "başvurabilirsiniz.").delete()
    assert outcome(Item.AGREED_OR_RECOURSE, exhausted.feedback) == F
    agreed = case_in("closed")
    agreed.feedback.customer_answers.all().delete()  # "agreed" with no agreement on record
    assert outcome(Item.AGREED_OR_RECOURSE, agreed.feedback) == F
    suggestion = Case(type="suggestion").start().propose().approve().close()
    assert outcome(Item.AGREED_OR_RECOURSE, suggestion.feedback) == NA


def test_messages_sent_at_each_stage(demo: None) -> None:
    on_phone = case_in("closed")
    assert outcome(Item.MESSAGES_SENT, on_phone.feedback) == P
    by_web = record(channel="web", actor="")  # acknowledged by e-mail from the outbox
    web = Case.of(by_web).start().propose().approve().answer(accept=True).close()
    assert outcome(Item.MESSAGES_SENT, web.feedback) == P
    # The decision never reached the customer's timeline.
    CaseMessage.objects.filter(feedback=on_phone.feedback, visible_to_customer=True).delete()
    assert outcome(Item.MESSAGES_SENT, on_phone.feedback) == F
    # Acknowledged neither on the spot nor by a message: a fax from a customer to be
    # called back, whom nobody called.
    fax = record(channel="fax", customer=CustomerInput(
        name="Ali Veli", phone="+905321112233", preferred_contact="phone"))
    Case.of(fax).start().propose().approve()
    assert outcome(Item.MESSAGES_SENT, fax) == F


def test_personal_data_revealed_only_with_a_reason(demo: None) -> None:
    case = case_in("closed")
    assert outcome(Item.REVEALS_REASONED, case.feedback) == NA  # never revealed
    personal_data_reveal(actor=user("handler"), feedback=case.fresh(), reason="Geri arama.")
    assert outcome(Item.REVEALS_REASONED, case.feedback) == P
    # A reveal logged without its reason (an older version of the desk allowed it).
    with transaction.atomic():
        audit_record(actor="agent", action="personal_data.revealed", object_type="feedback",
                     object_id=case.reference, data={"reason": "", "fields": ["phone"]})
    assert outcome(Item.REVEALS_REASONED, case.feedback) == F


def test_agreement_is_to_the_latest_approved_resolution(demo: None) -> None:
    """The agreement the checklist reads is the one the closing move asks for: to the
    latest approved resolution, not any earlier one."""
    agreed = case_in("closed")
    assert outcome(Item.AGREED_OR_RECOURSE, agreed.feedback) == P
    # An older record: a later resolution approved after the customer agreed to the first.
    first = agreed.feedback.proposals.get(decision=ProposalDecision.APPROVED)
    first.pk = None
    first.created_at = first.decided_at = first.decided_at + timedelta(hours=1)
    first.save()
    assert outcome(Item.AGREED_OR_RECOURSE, agreed.feedback) == F
