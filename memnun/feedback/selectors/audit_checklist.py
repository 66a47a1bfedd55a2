"""The process audit's checklist, evaluated from a closed case's records (R8.5).

One function per item, each a rule read from the rows and the audit trail; each
returns the outcome (pass, fail, not applicable) and the evidence in words (in the
active language, stored as the auditor drew it). The auditor confirms or corrects
each result (`services/process_audit.py`); these rules only say what the data shows.

- acknowledged on time: the acknowledgement is stamped (`ack_sent_at`) and, when
  a deadline was set, on time as `Feedback.ack_on_time` judges it (the rule's one
  home, which the reports' figure mirrors). None on record: fail.
- assessed before investigation: on the audit trail, the case's first
  `feedback.assessed` event comes before its first move into `in_progress`. The
  trail, not `assessed_at`: a later reassessment overwrites that field. Never
  moved into `in_progress`: not applicable.
- root cause and corrective action present (complaints; else not applicable): the
  last approved proposal (`resolution_latest_approved`) has a root cause (text or
  category) and a corrective action (text or a CAPA link). No approved proposal: fail.
- reviewed by a second person: there is an approved proposal, and no approved
  proposal was approved by the person who proposed it.
- customer agreed or recourse given (complaints; else not applicable): closed
  `customer_agreed` with the customer's agreement to the latest approved resolution
  on record (`resolution_accepted`, as the closing move asks it), or `options_exhausted`
  with the recourse message (the closing event's `message_id`) shown to the customer.
- messages sent at each stage: the acknowledgement went out (an `acknowledgement`
  message in the outbox, or given on the phone or in person at intake) and every
  approved decision has its customer-visible message, written when it was approved.
- personal data revealed only with a reason: every `personal_data.revealed` event
  of the case has a reason. No reveal: not applicable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from memnun.audit.models import AuditEvent
from memnun.feedback.codes import AckMethod, Closure, FeedbackType, ProposalDecision
from memnun.feedback.models import CaseMessage, Feedback, ResolutionProposal
from memnun.feedback.process_audit_codes import ChecklistItem, Outcome
from memnun.feedback.selectors.resolution import resolution_accepted, resolution_latest_approved
from memnun.notifications.models import OutboundMessage
from memnun.text import moment_text

P, F, NA = Outcome.PASS, Outcome.FAIL, Outcome.NOT_APPLICABLE


@dataclass(frozen=True)
class ItemResult:
    item: str
    outcome: str
    evidence: str


def _events(feedback: Feedback, *actions: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(
        object_type="feedback", object_id=feedback.reference, action__in=actions,
    ))  # the model's order: the chain's, then what waits to be sealed


def _approved(feedback: Feedback) -> list[ResolutionProposal]:
    return list(feedback.proposals.filter(decision=ProposalDecision.APPROVED)
                .order_by("decided_at", "id"))


def check_ack_on_time(feedback: Feedback) -> tuple[str, str]:
    if feedback.ack_sent_at is None:
        return F, _("No acknowledgement is on record.")
    on_time = feedback.ack_on_time
    if on_time is None or feedback.ack_due_at is None:
        return P, _("Acknowledged on %(at)s; no deadline was owed.") % {
            "at": moment_text(feedback.ack_sent_at)}
    words = {"sent": moment_text(feedback.ack_sent_at), "due": moment_text(feedback.ack_due_at)}
    if on_time:
        return P, _("Acknowledged on %(sent)s, due by %(due)s.") % words
    return F, _("Acknowledged on %(sent)s, after its deadline %(due)s.") % words


def check_assessed_first(feedback: Feedback) -> tuple[str, str]:
    events = _events(feedback, "feedback.assessed", "feedback.moved")
    started = next((e for e in events if e.action == "feedback.moved"
                    and (e.data.get("after") or {}).get("status") == "in_progress"), None)
    if started is None:
        return NA, _("The case never went into investigation.")
    assessed = next((e for e in events if e.action == "feedback.assessed"), None)
    if assessed is None:
        return F, _("No assessment is on the audit trail.")
    # The list's order, not `seq`: events written in this transaction are not sealed
    # yet on PostgreSQL (memnun.audit.chain), so they have no number until it commits.
    first = events.index(assessed) < events.index(started)
    if assessed.seq is None or started.seq is None:
        if first:
            return P, _("Assessed before the investigation began.")
        return F, _("The investigation began before the first assessment.")
    if first:
        return P, _("Assessed (audit event #%(a)s) before the investigation began (#%(s)s).") % {
            "a": assessed.seq, "s": started.seq}
    return F, _("The investigation began (audit event #%(s)s) before the first assessment"
                " (#%(a)s).") % {"a": assessed.seq, "s": started.seq}


def check_root_cause(feedback: Feedback) -> tuple[str, str]:
    if feedback.type != FeedbackType.COMPLAINT:
        return NA, _("Not a complaint: no root cause is asked for.")
    last = resolution_latest_approved(feedback)
    if last is None:
        return F, _("No approved resolution is on record.")
    cause = bool(last.root_cause.strip() or last.root_cause_category_id)
    action = bool(last.corrective_action.strip() or last.capa_id)
    if cause and action:
        return P, _("The approved resolution names its root cause and corrective action.")
    missing = [w for w, ok in ((_("root cause"), cause), (_("corrective action"), action))
               if not ok]
    return F, _("The approved resolution has no %(missing)s.") % {"missing": ", ".join(missing)}


def check_second_review(feedback: Feedback) -> tuple[str, str]:
    approved = _approved(feedback)
    if not approved:
        return F, _("No approved resolution is on record.")
    own = [p for p in approved if p.decided_by_id == p.proposed_by_id]
    if own:
        return F, _("%(n)s of %(total)s approved resolutions were approved by their proposer.") % {
            "n": len(own), "total": len(approved)}
    return P, _("Every approved resolution (%(total)s) was approved by someone other than its"
                " proposer.") % {"total": len(approved)}


def check_agreed_or_recourse(feedback: Feedback) -> tuple[str, str]:
    if feedback.type != FeedbackType.COMPLAINT:
        return NA, _("Not a complaint: no agreement is asked for.")
    if feedback.closure == Closure.CUSTOMER_AGREED:
        if resolution_accepted(feedback):
            return P, _("Closed with the customer's agreement on record.")
        return F, _("Closed as agreed, but no agreement is on record.")
    if feedback.closure == Closure.OPTIONS_EXHAUSTED:
        closing = [e for e in _events(feedback, "feedback.moved")
                   if e.data.get("move") == "close"]
        message_id = closing[-1].data.get("message_id") if closing else None
        told = message_id is not None and CaseMessage.objects.filter(
            pk=message_id, feedback=feedback, visible_to_customer=True).exclude(body="").exists()
        if told:
            return P, _("Options exhausted; the customer was told of their external recourse.")
        return F, _("Options exhausted, but no recourse message to the customer is on record.")
    return F, _("Closed neither with the customer's agreement nor with options exhausted.")


def check_messages_sent(feedback: Feedback) -> tuple[str, str]:
    in_person = feedback.ack_method in (AckMethod.PHONE, AckMethod.IN_PERSON)
    queued = OutboundMessage.objects.filter(
        source_type="feedback", source_id=str(feedback.pk), kind="acknowledgement",
    ).exists()
    missing = []
    if not (in_person or queued):
        missing.append(_("the acknowledgement"))
    approved = _approved(feedback)
    if not approved:
        missing.append(_("the decision"))
    untold = [p for p in approved if p.decided_at is None or not CaseMessage.objects.filter(
        feedback=feedback, visible_to_customer=True, created_at=p.decided_at).exists()]
    if untold:
        missing.append(_("the decision"))
    if missing:
        return F, _("No message for %(missing)s.") % {"missing": ", ".join(missing)}
    how = _("given at intake") if in_person else _("sent")
    return P, _("Acknowledgement %(how)s; every decision (%(n)s) was told to the customer.") % {
        "how": how, "n": len(approved)}


def check_reveals_reasoned(feedback: Feedback) -> tuple[str, str]:
    reveals = _events(feedback, "personal_data.revealed")
    if not reveals:
        return NA, _("Personal data was never revealed.")
    bare = [e for e in reveals if not str(e.data.get("reason") or "").strip()]
    if bare:
        return F, _("%(n)s of %(total)s reveals of personal data give no reason.") % {
            "n": len(bare), "total": len(reveals)}
    return P, _("Every reveal of personal data (%(total)s) gives its reason.") % {
        "total": len(reveals)}


RULES: dict[str, Callable[[Feedback], tuple[str, str]]] = {
    ChecklistItem.ACK_ON_TIME: check_ack_on_time,
    ChecklistItem.ASSESSED_FIRST: check_assessed_first,
    ChecklistItem.ROOT_CAUSE: check_root_cause,
    ChecklistItem.SECOND_REVIEW: check_second_review,
    ChecklistItem.AGREED_OR_RECOURSE: check_agreed_or_recourse,
    ChecklistItem.MESSAGES_SENT: check_messages_sent,
    ChecklistItem.REVEALS_REASONED: check_reveals_reasoned,
}


def checklist_evaluate(feedback: Feedback) -> list[ItemResult]:
    """Every item of the checklist, in order, as the records show it."""
    return [ItemResult(item, *RULES[item](feedback)) for item in ChecklistItem.values]
