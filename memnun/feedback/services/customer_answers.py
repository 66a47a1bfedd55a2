"""The customer's word: agreement or rejection of a resolution, and the closing survey.

A rejection sends the case back to work one rung higher on the escalation ladder
(services/escalation.py), which sets who decides it next; follow-up
continues until the customer agrees or a quality manager records that the
options are exhausted (lifecycle.feedback_close).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from memnun.accounts.models import User
from memnun.feedback import moves
from memnun.feedback.codes import AlertKind, AnswerChannel, Closure, Status
from memnun.feedback.errors import Conflict, FieldErrors
from memnun.feedback.escalation_codes import EscalationReason
from memnun.feedback.models import CustomerAnswer, Feedback, SurveyAnswer
from memnun.feedback.permissions import require
from memnun.feedback.selectors.resolution import resolution_awaiting_answer
from memnun.feedback.selectors.surveys import survey_score_low
from memnun.feedback.services.common import case_audit, case_lock, ensure_status, now_or
from memnun.feedback.services.desk_notices import notice_customer_answered
from memnun.feedback.services.escalation import escalation_on_return
from memnun.feedback.services.lifecycle import stage_enter
from memnun.feedback.services.staff_alerts import leads_alert

# Answers that staff record from a call, a visit, an e-mail or a letter.
STAFF_CHANNELS = frozenset(AnswerChannel.values) - {AnswerChannel.WEB}
_COMMENT_LIMIT = 5000


def customer_answer_record(
    *, feedback: Feedback, accept: bool, comment: str = "", recorded_by: User | None = None,
    channel: str = AnswerChannel.WEB, now: datetime | None = None,
) -> CustomerAnswer:
    """Record the customer's answer to the resolution that awaits it.

    `recorded_by` is None when the customer answers on the tracking page; staff
    give the channel the answer came by.
    """
    if recorded_by is not None:
        require(recorded_by, moves.CUSTOMER_REJECTS.action, feedback)
        if channel not in STAFF_CHANNELS:
            raise FieldErrors({"channel": [_("Say how the customer gave their answer.")]})
    else:
        channel = AnswerChannel.WEB
    at = now_or(now)
    with transaction.atomic():
        feedback = case_lock(feedback)
        proposal = resolution_awaiting_answer(feedback)
        if proposal is None:
            raise Conflict(_("No resolution awaits the customer's answer."))
        answer = CustomerAnswer.objects.create(
            feedback=feedback, proposal=proposal, accept=accept,
            comment=comment.strip()[:_COMMENT_LIMIT], channel=channel,
            recorded_by=recorded_by, at=at,
        )
        data: dict[str, object] = {"answer_id": answer.pk, "proposal_id": proposal.pk,
                                   "channel": channel}
        if recorded_by is None:
            notice_customer_answered(feedback=feedback, at=at)
        if accept:
            case_audit(actor=recorded_by, action="feedback.resolution_accepted",
                       feedback=feedback, data=data)
            return answer
        before_level = feedback.escalation_level
        change = stage_enter(
            feedback=feedback, to=moves.CUSTOMER_REJECTS.target, by=recorded_by, at=at
        )
        escalation_on_return(
            feedback=feedback, reason=EscalationReason.CUSTOMER_REJECTED, by=recorded_by, at=at
        )
        case_audit(
            actor=recorded_by, action="feedback.resolution_rejected", feedback=feedback,
            data={**data, "before": {"status": change["before"], "escalation_level": before_level},
                  "after": {"status": change["after"],
                            "escalation_level": feedback.escalation_level}},
        )
    return answer


def survey_record(
    *, feedback: Feedback, score: int, comment: str = "", now: datetime | None = None
) -> SurveyAnswer:
    """The customer rates the handling, once, after the case is closed."""
    if not 1 <= score <= 5:
        raise FieldErrors({"score": [_("Give a score from 1 to 5.")]})
    at = now_or(now)
    with transaction.atomic():
        feedback = case_lock(feedback)
        ensure_status(feedback, [Status.CLOSED], _("The survey opens once the case is closed."))
        if feedback.closure == Closure.MERGED:
            raise Conflict(_("This case was merged into another: rate that one."))
        if SurveyAnswer.objects.filter(feedback=feedback).exists():
            raise Conflict(_("This survey has already been answered."))
        survey = SurveyAnswer.objects.create(
            feedback=feedback, score=score, comment=comment.strip()[:_COMMENT_LIMIT], at=at
        )
        case_audit(actor=None, action="feedback.survey_answered", feedback=feedback,
                   data={"score": score})
        if survey_score_low(score):
            # The office's leads hear of it in office hours, to follow it up with the customer.
            leads = leads_alert(feedback=feedback, kind=AlertKind.LOW_SURVEY_SCORE, at=at)
            case_audit(
                actor=None, action="feedback.alert_raised", feedback=feedback,
                data={"kind": AlertKind.LOW_SURVEY_SCORE.value,
                      "recipients": [lead.username for lead in leads]},
            )
    return survey
