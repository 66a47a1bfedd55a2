"""The permission matrix, row by row: every role × every action, written out by hand.

The expected table is independent of `MATRIX`: changing who may do what means
changing both, on purpose.
"""

from __future__ import annotations

import pytest
from django.utils import translation

from memnun.accounts.roles import Role
from memnun.feedback.errors import NotFound, NotPermitted
from memnun.feedback.permissions import Action, feedback_for_user, may, require
from tests.casework import Case, case_in, staff, user

pytestmark = pytest.mark.django_db

ROLES = [
    "agent", "handler", "reviewer", "quality", "auditor", "management", "privacy", "admin",
]
# The demo users are named after their roles, but for top management's `manager`.
USERNAME = {role: role for role in ROLES} | {"management": "manager"}
# action: the roles that may take it.
EXPECTED: dict[str, set[str]] = {
    "view": {
        "agent", "handler", "reviewer", "quality", "auditor", "management", "privacy", "admin",
    },
    "reveal_personal_data": {"agent", "handler", "reviewer", "quality", "privacy", "admin"},
    "view_attachments": {"agent", "handler", "reviewer", "quality", "privacy"},
    "record": {"agent", "handler", "reviewer", "quality", "admin"},
    "acknowledge": {"agent", "handler", "reviewer", "quality", "admin"},
    "record_involved": {"agent", "handler", "reviewer", "quality"},
    "assign": {"reviewer", "quality"},
    "assess": {"handler", "reviewer", "quality"},
    "start": {"handler", "reviewer", "quality"},
    "propose": {"handler", "reviewer", "quality"},
    "approve": {"reviewer", "quality"},
    "send_back": {"reviewer", "quality"},
    "record_agreement": {"agent", "handler", "reviewer", "quality"},
    "close_agreed": {"handler", "reviewer", "quality"},
    "close_responded": {"handler", "reviewer", "quality"},
    "close_exhausted": {"quality"},
    "reopen": {"agent", "handler", "reviewer", "quality"},
    "add_note": {"agent", "handler", "reviewer", "quality", "admin"},
    "message_customer": {"agent", "handler", "reviewer", "quality"},
    "ask_customer": {"handler", "reviewer", "quality"},
    "add_attachment": {"agent", "handler", "reviewer", "quality"},
    "compensation_propose": {"handler", "reviewer", "quality"},
    "compensation_approve": {"reviewer", "quality"},
    "merge": {"handler", "reviewer", "quality"},
    "link": {"agent", "handler", "reviewer", "quality"},
    "follow_up": {"agent", "handler", "reviewer", "quality"},
    "view_reports": {"reviewer", "quality", "auditor", "management"},
    "follow_up_surveys": {"reviewer", "quality"},
    "view_capa": {"handler", "reviewer", "quality", "auditor", "management"},
    "manage_capa": {"handler", "reviewer", "quality"},
    "check_capa": {"reviewer", "quality"},
    "close_capa": {"quality"},
    "manage_objectives": {"quality", "management"},
    "approve_objectives": {"management"},
    "manage_policy": {"quality"},
    "approve_policy": {"management"},
    "publish_policy": {"quality", "management"},
    "appoint_representative": {"management"},
    "manage_training": {"quality", "admin"},
    "view_process_audits": {"quality", "auditor", "management"},
    # The auditor's one write: the process audit itself (R8.5).
    "manage_process_audits": {"quality", "auditor"},
    # The escalation ladder (RA-flow) and the consistency report (RA-obj).
    "escalate": {"reviewer", "quality"},
    "refer_external": {"reviewer", "quality"},
    "check_consistency": {"reviewer", "quality"},
    # The management review (R8.6): quality drafts it with top management; only top
    # management approves it.
    "view_reviews": {"quality", "auditor", "management"},
    "manage_reviews": {"quality", "management"},
    "approve_reviews": {"management"},
    # K11: the personal-data contact keeps the breach register; quality is alerted and reads it.
    "view_breaches": {"quality", "auditor", "privacy"},
    "manage_breaches": {"privacy"},
    # KVKK: the customer's word on a consent, recorded by whoever talks to them or the
    # personal-data contact; disclosures by the case workers and that contact (api-v1.md).
    "record_consent": {"agent", "handler", "reviewer", "quality", "privacy"},
    "disclose": {"handler", "reviewer", "quality", "privacy"},
    "notify_recipients": {"privacy"},
    # K6, K8: the data subjects' requests: the personal-data contact and the administrator.
    "manage_subject_requests": {"privacy", "admin"},
    # Everyone revokes their own API tokens; the administrator sees and revokes anyone's.
    "manage_api_tokens": {"admin"},
    # K9: the personal-data contact keeps the retention schedule (the administrator too, in
    # the admin); quality and the auditor read it and the destruction log.
    "view_retention": {"quality", "auditor", "privacy", "admin"},
    "manage_retention": {"privacy", "admin"},
    "manage_saved_replies": {"reviewer", "quality"},
}
# Allowed by the role, but only on the cases escalated to its level (not on this level-0 case).
ESCALATED_ONLY = {("management", "approve"), ("management", "send_back")}
ROWS = [(role, action, role in allowed) for action, allowed in EXPECTED.items() for role in ROLES]


def test_the_table_covers_every_action_and_role() -> None:
    assert set(EXPECTED) == {a.value for a in Action}
    assert set(ROLES) == set(Role.values)


@pytest.mark.parametrize(("role", "action", "expected"), ROWS)
def test_role_action(demo: None, role: str, action: str, expected: bool) -> None:
    # On a case of the user's office assigned to the handler: scope and own-case rules pass.
    case = case_in("in_progress")
    member = user(USERNAME[role])
    assert may(member, Action(action), case.feedback) is expected
    assert may(member, Action(action)) is (expected or (role, action) in ESCALATED_ONLY)
    if not expected:
        with pytest.raises(NotPermitted):
            require(member, Action(action), case.feedback)


@pytest.mark.parametrize("role", ["agent", "handler", "reviewer"])
def test_office_bound_roles_may_do_nothing_with_another_office(demo: None, role: str) -> None:
    case = Case(office="ankara")
    assert not any(may(user(role), action, case.feedback) for action in Action)
    with pytest.raises(NotFound):
        feedback_for_user(user=user(role), reference=case.reference)


@pytest.mark.parametrize("role", ["quality", "auditor", "management", "admin"])
def test_roles_without_an_office_see_every_office(demo: None, role: str) -> None:
    case = Case(office="izmir")
    feedback, actions = feedback_for_user(user=user(USERNAME[role]), reference=case.reference)
    assert feedback.pk == case.feedback.pk
    assert actions == {Action(a) for a, allowed in EXPECTED.items() if role in allowed}


def test_a_handler_works_only_the_cases_assigned_to_them(demo: None) -> None:
    other = staff("handler2", Role.HANDLER)
    case = case_in("in_progress")  # assigned to "handler"
    own_only = {Action.ASSESS, Action.PROPOSE, Action.CLOSE_AGREED, Action.CLOSE_RESPONDED,
                Action.COMPENSATION_PROPOSE, Action.ASK_CUSTOMER}
    _, mine = feedback_for_user(user=user("handler"), reference=case.reference)
    _, theirs = feedback_for_user(user=other, reference=case.reference)
    assert own_only <= mine
    assert not (own_only & theirs)
    assert mine - theirs == own_only
    with translation.override("en"), pytest.raises(NotPermitted, match="assignee"):
        require(other, Action.PROPOSE, case.feedback)


def test_an_inactive_account_may_do_nothing(demo: None) -> None:
    case = case_in("in_progress")
    quality = user("quality")
    quality.is_active = False
    assert not any(may(quality, action, case.feedback) for action in Action)
    with pytest.raises(NotFound):
        feedback_for_user(user=quality, reference=case.reference)
