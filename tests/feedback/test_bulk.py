"""feedback_bulk itself: the input checked once, the single services called per case."""

from __future__ import annotations

import pytest

from memnun.audit.models import AuditEvent
from memnun.feedback.codes import Closure, Status
from memnun.feedback.errors import FieldErrors, NotPermitted
from memnun.feedback.models import CaseMessage
from memnun.feedback.services.bulk import BulkAction, BulkInput, bulk_actions_for, feedback_bulk
from tests.casework import Case, user

pytestmark = pytest.mark.django_db


def test_the_actions_offered_follow_the_matrix(demo: None) -> None:
    assert bulk_actions_for(user("reviewer")) == list(BulkAction)
    assert BulkAction.ASSIGN not in bulk_actions_for(user("handler"))
    assert bulk_actions_for(user("agent")) == [BulkAction.NOTE]
    assert bulk_actions_for(user("auditor")) == []


def test_a_role_without_the_action_changes_nothing(demo: None) -> None:
    case = Case()
    count = AuditEvent.objects.count()
    with pytest.raises(NotPermitted):
        feedback_bulk(actor=user("auditor"), data=BulkInput(
            action="note", references=[case.reference], body="Olmaz.",
        ))
    assert AuditEvent.objects.count() == count and not CaseMessage.objects.filter(
        body="Olmaz.").exists()


def test_a_reference_given_twice_is_acted_on_once(demo: None) -> None:
    case = Case()
    spaced = case.reference.replace("-", " ")
    result = feedback_bulk(actor=user("agent"), data=BulkInput(
        action="note", references=[case.reference, spaced], body="Bir kez.",
    ))
    assert result.done == [case.reference] and result.refused == []
    assert CaseMessage.objects.filter(body="Bir kez.").count() == 1


def test_merge_into_a_case_that_is_not_ticked(demo: None) -> None:
    survivor, duplicate = Case().start(), Case()
    result = feedback_bulk(actor=user("reviewer"), data=BulkInput(
        action="merge", references=[duplicate.reference], survivor=survivor.reference,
    ))
    assert result.survivor == survivor.reference and result.done == [duplicate.reference]
    assert duplicate.fresh().closure == Closure.MERGED
    assert survivor.fresh().status == Status.IN_PROGRESS


def test_merge_needs_more_than_the_survivor_and_a_survivor_one_may_see(demo: None) -> None:
    survivor, elsewhere = Case(), Case(office="ankara")
    with pytest.raises(FieldErrors) as only:
        feedback_bulk(actor=user("reviewer"), data=BulkInput(
            action="merge", references=[survivor.reference], survivor=survivor.reference,
        ))
    assert "references" in only.value.fields
    with pytest.raises(FieldErrors) as hidden:
        feedback_bulk(actor=user("reviewer"), data=BulkInput(
            action="merge", references=[survivor.reference], survivor=elsewhere.reference,
        ))
    assert list(hidden.value.fields) == ["survivor"]
    assert survivor.fresh().status == Status.CREATED
    assert elsewhere.fresh().status == Status.CREATED


def test_an_unknown_category_is_refused_before_any_case(demo: None) -> None:
    case = Case().start()
    with pytest.raises(FieldErrors):
        feedback_bulk(actor=user("reviewer"), data=BulkInput(
            action="category", references=[case.reference], category="no-such",
        ))
    assert case.fresh().category.code == "repair-delay"  # type: ignore[union-attr]
