"""Who may do what. Defined once here; the API and the desk both ask these functions.

Three layers, each answered here and nowhere else:
- the role matrix: which actions a role may take at all (`MATRIX`);
- office scope: agents, handlers and reviewers work their own office's cases
  (and see none while they have no office), quality managers, auditors, top
  management and administrators every office's; the same scope bounds the
  reports (`reports_office_scope`);
- own cases: a handler works only the cases assigned to them;
- the escalation ladder: a case the customer rejected or reopened (or staff
  escalated) needs its next decision (`DECIDING`) from at least the role of its
  level (`escalation.decision_refusal`); top management decides only the cases
  escalated to its own level;
- CAPA scope: the same office scope bounds the CAPA register (`capas_visible_to`):
  an office-bound role reads and works the CAPAs of its office, those linked to
  one of its office's cases and the every-office ones no case ties elsewhere;
  the other roles every CAPA.
Whether a move is possible *now* (the case's status, a missing root cause, an
involved person) is the lifecycle's business and answers 409, not 403.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from memnun.accounts.models import User
from memnun.accounts.roles import OFFICE_BOUND_ROLES, Role
from memnun.feedback.capa_models import Capa, CapaSource
from memnun.feedback.errors import NotFound, NotPermitted
from memnun.feedback.escalation import deciding_role, decision_refusal
from memnun.feedback.models import Feedback
from memnun.feedback.references import reference_parse


class Action(StrEnum):
    VIEW = "view"
    # See the customer's personal data whole (every role sees it masked, as
    # memnun.personaldata.policy decides): ask for it with a reason; audited.
    REVEAL_PERSONAL_DATA = "reveal_personal_data"
    VIEW_ATTACHMENTS = "view_attachments"
    RECORD = "record"
    ACKNOWLEDGE = "acknowledge"
    RECORD_INVOLVED = "record_involved"
    ASSIGN = "assign"
    ASSESS = "assess"
    START = "start"
    PROPOSE = "propose"
    APPROVE = "approve"
    SEND_BACK = "send_back"
    RECORD_AGREEMENT = "record_agreement"
    CLOSE_AGREED = "close_agreed"
    CLOSE_RESPONDED = "close_responded"
    CLOSE_EXHAUSTED = "close_exhausted"
    REOPEN = "reopen"
    ADD_NOTE = "add_note"
    MESSAGE_CUSTOMER = "message_customer"
    # Ask the customer a question (the case waits, its clocks pause) and record the answer.
    ASK_CUSTOMER = "ask_customer"
    ADD_ATTACHMENT = "add_attachment"
    COMPENSATION_PROPOSE = "compensation_propose"
    COMPENSATION_APPROVE = "compensation_approve"
    MERGE = "merge"
    LINK = "link"
    # Record a closed case's customer coming back after the reopening window (new feedback).
    FOLLOW_UP = "follow_up"
    # Read the reports (feedback/selectors/reports/): office-bound roles their own office's.
    VIEW_REPORTS = "view_reports"
    # The list of low survey scores to follow up with the customer (desk/follow-up/).
    FOLLOW_UP_SURVEYS = "follow_up_surveys"
    # The CAPA register (DÖF, services/capa.py): read it; open and edit a CAPA, its
    # analysis and actions, link cases; record an effectiveness check; close it.
    VIEW_CAPA = "view_capa"
    MANAGE_CAPA = "manage_capa"
    CHECK_CAPA = "check_capa"
    CLOSE_CAPA = "close_capa"
    # Draft objectives (R6.2) and retire drafts; approving them is top management's.
    MANAGE_OBJECTIVES = "manage_objectives"
    # Approve an objective, so that it is measured, and retire an approved one.
    APPROVE_OBJECTIVES = "approve_objectives"
    # The complaints-handling policy (governance): draft a version; approve it (top
    # management only, ISO 10002 4.2); publish an approved version to staff and the portal.
    MANAGE_POLICY = "manage_policy"
    APPROVE_POLICY = "approve_policy"
    PUBLISH_POLICY = "publish_policy"
    # Appoint the complaints-handling management representative (ISO 10002 5.4).
    APPOINT_REPRESENTATIVE = "appoint_representative"
    # Record the staff's complaints-handling trainings (ISO 10002 4.14).
    MANAGE_TRAINING = "manage_training"
    # The internal process audit (R8.5, services/process_audit.py): read the plans and the
    # conformance report; plan an audit, draw its sample, confirm or correct the
    # checklist, record findings (a nonconformity opens a CAPA) and finish it.
    VIEW_PROCESS_AUDITS = "view_process_audits"
    MANAGE_PROCESS_AUDITS = "manage_process_audits"
    # The escalation ladder (RA-flow, services/escalation.py): raise a case one level with a
    # reason; record that it was referred to an external body (the external level).
    ESCALATE = "escalate"
    REFER_EXTERNAL = "refer_external"
    # Mark a group of similar closed cases as checked for equitability (RA-obj).
    CHECK_CONSISTENCY = "check_consistency"
    # The management review (R8.6, services/management_review.py): read the reviews and
    # their packs; draft a review, make its pack, record its decisions (a decision may
    # open a CAPA) and mark them done; approve it (top management only).
    VIEW_REVIEWS = "view_reviews"
    MANAGE_REVIEWS = "manage_reviews"
    APPROVE_REVIEWS = "approve_reviews"
    # The personal-data breach register (K11, memnun/dataprotection): read it; record a
    # breach, its Board notification and the notices to the people it touched.
    VIEW_BREACHES = "view_breaches"
    MANAGE_BREACHES = "manage_breaches"
    # Personal data (KVKK): record the customer's word on a consent (grant or withdraw);
    # give a case to a third party through the disclosure log, and read that log; work the
    # tasks to tell a case's recipients of a correction or erasure.
    RECORD_CONSENT = "record_consent"
    DISCLOSE = "disclose"
    NOTIFY_RECIPIENTS = "notify_recipients"
    # The register of data subjects' requests (KVKK Art. 11, 13; K6, K8): record a request,
    # export what is held about the person, rectify, erase, and answer it.
    MANAGE_SUBJECT_REQUESTS = "manage_subject_requests"
    # See and revoke every member of staff's API tokens (each revokes their own anyway).
    MANAGE_API_TOKENS = "manage_api_tokens"
    # The retention schedule and the destruction log (K9, memnun/dataprotection): read the
    # schedule, the holds and the runs (desk/retention/); change the periods and the holds
    # (in the admin).
    VIEW_RETENTION = "view_retention"
    MANAGE_RETENTION = "manage_retention"
    # Saved replies (macros, desk/saved-replies/): write and deactivate them; a reviewer
    # those of their own office (reading the every-office ones), quality every one.
    MANAGE_SAVED_REPLIES = "manage_saved_replies"


A = Action
# Everyone who talks to customers about their case (not the auditor, not the administrator).
_FRONT_LINE = frozenset({
    A.VIEW, A.REVEAL_PERSONAL_DATA, A.VIEW_ATTACHMENTS, A.RECORD,
    A.ACKNOWLEDGE, A.RECORD_INVOLVED, A.RECORD_AGREEMENT, A.REOPEN, A.ADD_NOTE,
    A.MESSAGE_CUSTOMER, A.ADD_ATTACHMENT, A.LINK, A.FOLLOW_UP, A.RECORD_CONSENT,
})
_HANDLING = frozenset({
    A.ASSESS, A.START, A.PROPOSE, A.CLOSE_AGREED, A.CLOSE_RESPONDED, A.COMPENSATION_PROPOSE,
    A.MERGE, A.ASK_CUSTOMER, A.DISCLOSE,
})
_REVIEWING = frozenset({
    A.ASSIGN, A.APPROVE, A.SEND_BACK, A.COMPENSATION_APPROVE, A.FOLLOW_UP_SURVEYS,
    A.CHECK_CAPA, A.ESCALATE, A.REFER_EXTERNAL, A.CHECK_CONSISTENCY,
})
# The decisions on a proposed resolution: the escalation ladder says who may take them.
DECIDING = frozenset({A.APPROVE, A.SEND_BACK})
# Handlers propose the corrective action of a case, so they open and work CAPAs too.
_CAPA_WORK = frozenset({A.VIEW_CAPA, A.MANAGE_CAPA})
_PROCESS_AUDIT = frozenset({A.VIEW_PROCESS_AUDITS, A.MANAGE_PROCESS_AUDITS})

MATRIX: dict[str, frozenset[Action]] = {
    Role.AGENT: _FRONT_LINE,
    Role.HANDLER: _FRONT_LINE | _HANDLING | _CAPA_WORK,
    Role.REVIEWER: _FRONT_LINE | _HANDLING | _REVIEWING | _CAPA_WORK | {
        A.VIEW_REPORTS, A.MANAGE_SAVED_REPLIES,
    },
    Role.QUALITY: _FRONT_LINE | _HANDLING | _REVIEWING | _CAPA_WORK | {
        A.CLOSE_EXHAUSTED, A.VIEW_REPORTS, A.CLOSE_CAPA, A.MANAGE_OBJECTIVES,
        A.MANAGE_POLICY, A.PUBLISH_POLICY, A.MANAGE_TRAINING, *_PROCESS_AUDIT,
        A.VIEW_REVIEWS, A.MANAGE_REVIEWS,
        A.VIEW_BREACHES, A.VIEW_RETENTION, A.MANAGE_SAVED_REPLIES,
    },
    # Reads everything, sees personal data masked, changes no case. The one thing an
    # auditor writes is the process audit itself (its plans, checklist and findings,
    # and the CAPA a nonconformity opens): auditing is their job.
    Role.AUDITOR: frozenset({
        A.VIEW, A.VIEW_REPORTS, A.VIEW_CAPA, *_PROCESS_AUDIT, A.VIEW_REVIEWS,
        A.VIEW, A.VIEW_REPORTS, A.VIEW_CAPA, *_PROCESS_AUDIT, A.VIEW_BREACHES,
        A.VIEW_RETENTION,
    }),
    # Top management: the reports, and the cases behind a figure as the auditor sees them;
    # sets the objectives and approves them; approves the policy (and may publish it) and
    # appoints the management representative; decides the cases escalated to its level;
    # holds the management review and approves it.
    Role.MANAGEMENT: frozenset({
        A.VIEW, A.VIEW_REPORTS, A.VIEW_CAPA, A.VIEW_PROCESS_AUDITS, A.MANAGE_OBJECTIVES,
        A.APPROVE_OBJECTIVES, A.APPROVE_POLICY, A.PUBLISH_POLICY, A.APPOINT_REPRESENTATIVE,
        *DECIDING, A.VIEW_REVIEWS, A.MANAGE_REVIEWS, A.APPROVE_REVIEWS,
    }),
    # The personal-data contact (KVKK irtibat kişisi): reads every office's cases and their
    # files, and reveals contact details with a reason, to serve the data subjects' rights;
    # keeps the breach register. Records a customer's consent or its withdrawal, gives a
    # case to a third party on a consent, and tells the recipients of a correction or erasure.
    # Keeps the retention schedule and its holds, and reads the destruction log.
    Role.PRIVACY: frozenset({
        A.VIEW, A.REVEAL_PERSONAL_DATA, A.VIEW_ATTACHMENTS, A.VIEW_BREACHES, A.MANAGE_BREACHES,
        A.RECORD_CONSENT, A.DISCLOSE, A.NOTIFY_RECIPIENTS, A.MANAGE_SUBJECT_REQUESTS,
        A.VIEW_RETENTION, A.MANAGE_RETENTION,
    }),
    # Configuration, not case work; reveals contact details for data-subject requests and
    # works their register with the personal-data contact.
    # Keeps the users, and so their training records and API tokens; and the retention
    # schedule.
    Role.ADMIN: frozenset({
        A.VIEW, A.REVEAL_PERSONAL_DATA, A.RECORD, A.ACKNOWLEDGE, A.ADD_NOTE, A.MANAGE_TRAINING,
        A.MANAGE_SUBJECT_REQUESTS, A.MANAGE_API_TOKENS, A.MANAGE_RETENTION, A.VIEW_RETENTION,
    }),
}

# The actions on the complaints-handling policy's page (desk/policy/).
POLICY_ACTIONS = frozenset({
    A.MANAGE_POLICY, A.APPROVE_POLICY, A.PUBLISH_POLICY, A.APPOINT_REPRESENTATIVE,
})

# Actions a role may take only on the cases assigned to them.
_OWN_CASES_ONLY: dict[str, frozenset[Action]] = {
    Role.HANDLER: frozenset({
        A.ASSESS, A.PROPOSE, A.CLOSE_AGREED, A.CLOSE_RESPONDED, A.COMPENSATION_PROPOSE,
        A.ASK_CUSTOMER,
    }),
}

# Actions a role may take only on the cases escalated to a level that asks for that role.
_ESCALATED_ONLY: dict[str, frozenset[Action]] = {Role.MANAGEMENT: DECIDING}


def works_own_cases(user: User) -> bool:
    """Whether the user's role takes its case work only on the cases assigned to it: their
    own cases are their work list (the home's "mine" panel, the built-in view)."""
    return user.is_active and bool(_OWN_CASES_ONLY.get(user.role))


def role_actions(user: User) -> frozenset[Action]:
    """What the user's role allows anywhere; nothing for an inactive account."""
    if not user.is_active:
        return frozenset()
    return MATRIX.get(user.role, frozenset())


def sees_every_office(user: User) -> bool:
    return user.role not in OFFICE_BOUND_ROLES


def queue_office_scope(user: User) -> int | None:
    """The one office whose cases the user works, or None for every office.

    An office-bound role without an office has no office to work: None here,
    and nothing at all from `in_scope` and `feedback_visible_to` (never every
    office by default).
    """
    return None if sees_every_office(user) else user.office_id


def _unplaced(user: User) -> bool:
    return not sees_every_office(user) and user.office_id is None


def in_scope(user: User, feedback: Feedback) -> bool:
    if _unplaced(user):
        return False
    office = queue_office_scope(user)
    return office is None or feedback.office_id == office


def feedback_visible_to(user: User) -> QuerySet[Feedback]:
    """The feedback a member of staff may see: their office's, or every office's."""
    qs = Feedback.objects.all()
    if Action.VIEW not in role_actions(user) or _unplaced(user):
        return qs.none()
    office = queue_office_scope(user)
    return qs if office is None else qs.filter(office_id=office)


def capas_visible_to(user: User) -> QuerySet[Capa]:
    """The CAPAs a member of staff may read and (as their role allows) work on.

    Every one for the roles that see every office. For an office-bound role (none
    while it has no office): those of its office, those linked to one of its office's
    cases, and those for every office (no office) that no case ties to another office.
    """
    qs = Capa.objects.all()
    if Action.VIEW_CAPA not in role_actions(user) or _unplaced(user):
        return qs.none()
    office = queue_office_scope(user)
    if office is None:
        return qs
    cases = CapaSource.objects.filter(capa=OuterRef("pk"), feedback__isnull=False)
    return qs.filter(
        Q(office_id=office)
        | Exists(cases.filter(feedback__office_id=office))
        | (Q(office__isnull=True) & ~Exists(cases))
    )


def capa_in_scope(user: User, capa: Capa) -> bool:
    """Whether the CAPA is among `capas_visible_to(user)` (no query for every office)."""
    if sees_every_office(user):
        return Action.VIEW_CAPA in role_actions(user)
    return capas_visible_to(user).filter(pk=capa.pk).exists()


def require_capa(user: User, action: Action, capa: Capa) -> None:
    """Raise NotPermitted (403) unless the role may take the action and the CAPA is in
    the user's scope."""
    require(user, action)
    if not capa_in_scope(user, capa):
        raise NotPermitted(_("You may work on the CAPAs of your own office only."))


def actions_on(user: User, feedback: Feedback) -> frozenset[Action]:
    """What the user may do with this case (status and requirements aside)."""
    if not in_scope(user, feedback):
        return frozenset()
    allowed = role_actions(user)
    own_only = _OWN_CASES_ONLY.get(user.role, frozenset())
    if own_only and feedback.assignee_id != user.pk:
        allowed = allowed - own_only
    if allowed & DECIDING and _ladder_refusal(user, feedback) is not None:
        allowed = allowed - DECIDING
    return allowed


def decision_refused_why(user: User, feedback: Feedback) -> str | None:
    """Why a user whose role decides proposals may not decide this escalated case; None
    when they may, or when their role never decides (the desk shows the reason)."""
    if not (role_actions(user) & DECIDING) or not in_scope(user, feedback):
        return None
    return _ladder_refusal(user, feedback)


def _ladder_refusal(user: User, feedback: Feedback) -> str | None:
    """Why the escalation ladder keeps the user from deciding this case; None if it does not."""
    refusal = decision_refusal(role=user.role, order=feedback.escalation_level)
    if (
        refusal is None and user.role in _ESCALATED_ONLY
        and deciding_role(feedback.escalation_level) != user.role
    ):
        return _("Top management decides only the cases escalated to its level.")
    return refusal


def may(user: User, action: Action, feedback: Feedback | None = None) -> bool:
    if feedback is None:
        return action in role_actions(user)
    return action in actions_on(user, feedback)


def require(user: User, action: Action, feedback: Feedback | None = None) -> None:
    """Raise NotPermitted (403) unless the user may take the action (on this case)."""
    if may(user, action, feedback):
        return
    if (
        feedback is not None
        and action in role_actions(user)
        and in_scope(user, feedback)
        and action in _OWN_CASES_ONLY.get(user.role, frozenset())
    ):
        raise NotPermitted(
            _("Only the case's assignee, a team lead or a quality manager may do this.")
        )
    if feedback is not None and action in DECIDING and in_scope(user, feedback):
        refusal = _ladder_refusal(user, feedback)
        if refusal is not None:
            raise NotPermitted(refusal)
    raise NotPermitted(_("Your role may not do this."))


def reports_office_scope(*, user: User, office: str | None) -> str | None:
    """The office whose figures the user may read: its code, or None for every office.

    Roles with `view_reports` that see every office read any office or all of
    them. An office-bound role (the reviewer) reads its own office's figures:
    asking for none means theirs, asking for another office is refused (403),
    and without an office of their own they read nothing.
    """
    if Action.VIEW_REPORTS not in role_actions(user):
        raise NotPermitted(_("Your role may not read reports."))
    if sees_every_office(user):
        return office
    if user.office is None:
        raise NotPermitted(_("You have no office whose reports you could read."))
    if office is not None and office != user.office.code:
        raise NotPermitted(_("You may read the reports of your own office only."))
    return user.office.code


class CaseAccess(NamedTuple):
    feedback: Feedback
    actions: frozenset[Action]


def feedback_for_user(*, user: User, reference: str) -> CaseAccess:
    """The case and what the user may do with it; NotFound when they may not see it."""
    canonical = reference_parse(reference)
    feedback = (
        feedback_visible_to(user)
        .select_related("office", "brand", "customer", "recorded_by", "assignee", "category")
        .filter(reference=canonical)
        .first()
        if canonical
        else None
    )
    if feedback is None:
        raise NotFound(_("No such feedback."))
    return CaseAccess(feedback, actions_on(user, feedback))


def escalated_only(role: str) -> frozenset[Action]:
    """The actions a role may take only on cases escalated to its level (the docs' table)."""
    return _ESCALATED_ONLY.get(role, frozenset())


def own_cases_only(role: str) -> frozenset[Action]:
    """The actions a role may take only on the cases assigned to it (for the docs' table)."""
    return _OWN_CASES_ONLY.get(role, frozenset())
