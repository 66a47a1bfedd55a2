"""The desk's case forms: each one a form and the one service it hands its input to.

Which forms a user sees is `selectors.case.actions_now` (their permissions ∩
what the case's state makes possible); what happens when they post is the
service's decision alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from memnun.accounts.models import User
from memnun.desk import forms as f
from memnun.feedback.codes import FeedbackType
from memnun.feedback.models import Feedback
from memnun.feedback.moves import CLOSURE_ACTIONS
from memnun.feedback.permissions import Action, feedback_for_user, may
from memnun.feedback.selectors.capa import capa_get, capas_open
from memnun.feedback.selectors.case import assignee_candidates, compensations_pending, staff_name
from memnun.feedback.selectors.compensation import compensation_on_case
from memnun.feedback.selectors.questions import question_open
from memnun.feedback.services.acknowledgement import feedback_acknowledge
from memnun.feedback.services.assessment import AssessmentInput, feedback_assess
from memnun.feedback.services.assignment import feedback_assign
from memnun.feedback.services.compensation import compensation_decide, compensation_propose
from memnun.feedback.services.consents import consents_staff_set
from memnun.feedback.services.customer_answers import customer_answer_record
from memnun.feedback.services.disclosures import disclosure_record
from memnun.feedback.services.escalation import feedback_escalate, feedback_refer_external
from memnun.feedback.services.follow_up import feedback_follow_up
from memnun.feedback.services.involvement import involved_person_record
from memnun.feedback.services.lifecycle import (
    feedback_approve,
    feedback_close,
    feedback_propose,
    feedback_reopen,
    feedback_send_back,
    feedback_start,
)
from memnun.feedback.services.merging import feedback_link, feedback_merge
from memnun.feedback.services.notes import attachment_add, message_send, note_add
from memnun.feedback.services.questions import question_answer, question_ask
from memnun.webforms import ServiceErrors

A = Action
Data = dict[str, Any]


@dataclass(frozen=True)
class Recorded:
    """What a form that records new feedback answers: the desk shows its receipt."""

    reference: str
    tracking_code: str


@dataclass(frozen=True)
class CaseAction:
    slug: str
    title: Promise
    submit: Promise
    permits: frozenset[Action]
    make: Callable[[User, Feedback, frozenset[Action], Any, str], ServiceErrors]
    run: Callable[[User, Feedback, Data], str | Recorded]


def _plain(cls: type[ServiceErrors]) -> Callable[..., ServiceErrors]:
    def make(
        user: User, feedback: Feedback, actions: frozenset[Action], data: Any, prefix: str
    ) -> Any:
        return cls(data, prefix=prefix)

    return make


def _start_form(
    user: User, feedback: Feedback, actions: frozenset[Action], data: Any, prefix: str
) -> Any:
    people = assignee_candidates(feedback=feedback)
    choices = [(p.username, f"{staff_name(p)} ({p.get_role_display()})") for p in people]
    mine = user.username if any(p.pk == user.pk for p in people) else ""
    return f.StartForm(data, candidates=choices, initial={"assignee": mine}, prefix=prefix)


def _start(user: User, feedback: Feedback, d: Data) -> str:
    feedback_start(
        actor=user,
        feedback=feedback,
        assessment=AssessmentInput(
            severity=d["severity"],
            safety_hazard=d["safety_hazard"],
            category=d["category"].code if d.get("category") else None,
            immediate_action=d["immediate_action"],
        ),
        assignee=d["assignee"] or None,
        auto_assign=not d["assignee"],
        note=d["note"],
    )
    return _("Work on the case has started.")


def _propose_form(
    user: User, feedback: Feedback, actions: frozenset[Action], data: Any, prefix: str
) -> Any:
    capas = None
    if may(user, A.MANAGE_CAPA) and feedback.type == FeedbackType.COMPLAINT:
        capas = [(c.number, f"{c.number} · {c.problem[:60]}") for c in capas_open(user=user)]
    return f.ProposeForm(
        data, complaint=feedback.type == FeedbackType.COMPLAINT, capas=capas, prefix=prefix
    )


def _propose(user: User, feedback: Feedback, d: Data) -> str:
    category = d.get("root_cause_category")
    choice = d.get("capa") or ""
    proposal = feedback_propose(
        actor=user,
        feedback=feedback,
        resolution=d["resolution"],
        root_cause=d["root_cause"],
        root_cause_category=category.code if category else None,
        corrective_action=d["corrective_action"],
        response_type=d["response_type"],
        response_justification=d["response_justification"],
        capa=capa_get(user=user, number=choice) if choice and choice != f.NEW_CAPA else None,
        open_capa=choice == f.NEW_CAPA,
        note=d["note"],
    )
    if proposal.capa is not None:
        return _("The resolution went to review; the case is a source of %(capa)s.") % {
            "capa": proposal.capa.number
        }
    return _("The resolution went to review.")


def _approve(user: User, feedback: Feedback, d: Data) -> str:
    feedback_approve(actor=user, feedback=feedback, note=d["note"])
    return _("The resolution is approved and goes to the customer.")


def _send_back(user: User, feedback: Feedback, d: Data) -> str:
    feedback_send_back(actor=user, feedback=feedback, reason=d["reason"])
    return _("The resolution was sent back.")


def _answer(user: User, feedback: Feedback, d: Data) -> str:
    customer_answer_record(
        feedback=feedback,
        accept=d["accept"],
        comment=d["comment"],
        channel=d["channel"],
        recorded_by=user,
    )
    return _("The customer's answer is recorded.")


def _question_form(
    user: User, feedback: Feedback, actions: frozenset[Action], data: Any, prefix: str
) -> Any:
    # One form for the wait: ask while none is open, then record the answer to it.
    open_question = question_open(feedback=feedback)
    if open_question is None:
        return f.AskCustomerForm(data, prefix=prefix)
    return f.QuestionAnswerForm(data, question=open_question.question, prefix=prefix)


def _question(user: User, feedback: Feedback, d: Data) -> str:
    if "answer" in d:
        question_answer(
            feedback=feedback, answer=d["answer"], channel=d["channel"], recorded_by=user
        )
        return _("The customer's answer is recorded; the clocks run again.")
    question_ask(actor=user, feedback=feedback, question=d["question"])
    return _("The question goes to the customer; the clocks are paused until the answer.")


def _close_form(
    user: User, feedback: Feedback, actions: frozenset[Action], data: Any, prefix: str
) -> Any:
    closures = [c for c, action in CLOSURE_ACTIONS.items() if action in actions]
    return f.CloseForm(data, closures=closures, prefix=prefix)


def _close(user: User, feedback: Feedback, d: Data) -> str:
    feedback_close(
        actor=user,
        feedback=feedback,
        closure=d["closure"],
        external_recourse=d["external_recourse"],
        note=d["note"],
    )
    return _("The case is closed.")


def _reopen(user: User, feedback: Feedback, d: Data) -> str:
    feedback_reopen(actor=user, feedback=feedback, reason=d["reason"])
    return _("The case is reopened.")


def _escalate(user: User, feedback: Feedback, d: Data) -> str:
    row = feedback_escalate(actor=user, feedback=feedback, reason=d["reason"])
    return _("The case is escalated to level %(level)s.") % {"level": row.to_level}


def _refer_external(user: User, feedback: Feedback, d: Data) -> str:
    feedback_refer_external(
        actor=user, feedback=feedback, body=d["body"], referred_on=d["referred_on"],
        note=d["note"],
    )
    return _("The referral to the external body is recorded.")


def _note(user: User, feedback: Feedback, d: Data) -> str:
    note_add(actor=user, feedback=feedback, body=d["body"])
    return _("The note is added.")


def _message(user: User, feedback: Feedback, d: Data) -> str:
    message_send(actor=user, feedback=feedback, body=d["body"])
    return _("The message goes to the customer.")


def _involved(user: User, feedback: Feedback, d: Data) -> str:
    involved_person_record(
        actor=user,
        feedback=feedback,
        username=d["username"],
        role_in_subject=d["role_in_subject"],
    )
    return _("The involved person is recorded.")


def _acknowledge(user: User, feedback: Feedback, d: Data) -> str:
    feedback_acknowledge(actor=user, feedback=feedback, method=d["method"], sent_at=d["sent_at"])
    return _("The acknowledgement is recorded.")


def _compensate(user: User, feedback: Feedback, d: Data) -> str:
    compensation_propose(
        actor=user,
        feedback=feedback,
        kind=d["kind"],
        amount=d["amount"],
        legal_basis=d["legal_basis"],
    )
    return _("The compensation is recorded.")


def _decision_form(
    user: User, feedback: Feedback, actions: frozenset[Action], data: Any, prefix: str
) -> Any:
    pending = [
        (str(c.pk), f"{c.get_kind_display()} · {c.amount} TRY · {staff_name(c.proposed_by)}")
        for c in compensations_pending(feedback=feedback)
    ]
    return f.CompensationDecisionForm(data, pending=pending, prefix=prefix)


def _decide(user: User, feedback: Feedback, d: Data) -> str:
    compensation = compensation_on_case(
        feedback=feedback, compensation_id=int(d["compensation"])
    )
    compensation_decide(
        actor=user, compensation=compensation, approve=d["approve"], reason=d["reason"]
    )
    return _("The compensation decision is recorded.")


def _reassign_form(
    user: User, feedback: Feedback, actions: frozenset[Action], data: Any, prefix: str
) -> Any:
    people = assignee_candidates(feedback=feedback)
    choices = [(p.username, f"{staff_name(p)} ({p.get_role_display()})") for p in people]
    return f.ReassignForm(data, candidates=choices, prefix=prefix)


def _reassign(user: User, feedback: Feedback, d: Data) -> str:
    feedback_assign(
        actor=user, feedback=feedback, assignee=d["assignee"] or None,
        automatic=not d["assignee"],
    )
    return _("The case is reassigned.")


def _assess(user: User, feedback: Feedback, d: Data) -> str:
    feedback_assess(
        actor=user,
        feedback=feedback,
        data=AssessmentInput(
            severity=d["severity"],
            safety_hazard=d["safety_hazard"],
            category=d["category"].code if d.get("category") else None,
            immediate_action=d["immediate_action"],
        ),
    )
    return _("The assessment is revised.")


def _add_file(user: User, feedback: Feedback, d: Data) -> str:
    upload = d["file"]
    attachment_add(
        actor=user, feedback=feedback, filename=upload.name,
        content_type=upload.content_type or "", content=upload.read(),
    )
    return _("The file is added.")


def _follow_up(user: User, feedback: Feedback, d: Data) -> Recorded:
    result = feedback_follow_up(
        actor=user, feedback=feedback, channel=d["channel"], description=d["description"]
    )
    return Recorded(result.feedback.reference, result.tracking_code)


def _other(user: User, reference: str) -> Feedback:
    return feedback_for_user(user=user, reference=reference).feedback


def _merge(user: User, feedback: Feedback, d: Data) -> str:
    feedback_merge(actor=user, duplicate=feedback, into=_other(user, d["reference"]))
    return _("The case is merged into the other one.")


def _link(user: User, feedback: Feedback, d: Data) -> str:
    feedback_link(actor=user, source=feedback, target=_other(user, d["reference"]))
    return _("The cases are linked.")


def _consent(user: User, feedback: Feedback, d: Data) -> str:
    consents_staff_set(
        actor=user, feedback=feedback, changes={d["purpose"]: d["decision"] == "grant"}
    )
    return _("The customer's consent is recorded.")


def _disclose(user: User, feedback: Feedback, d: Data) -> str:
    disclosure_record(
        actor=user, feedback=feedback, recipient=d["recipient"], purpose=d["purpose"],
        data=d["categories"],
    )
    return _("The disclosure is recorded.")


ACTIONS: list[CaseAction] = [
    CaseAction(
        "start",
        gettext_lazy("Start work"),
        gettext_lazy("Start work"),
        frozenset({A.START}),
        _start_form,
        _start,
    ),
    CaseAction(
        "propose",
        gettext_lazy("Propose a resolution"),
        gettext_lazy("Send to review"),
        frozenset({A.PROPOSE}),
        _propose_form,
        _propose,
    ),
    CaseAction(
        "approve",
        gettext_lazy("Approve the resolution"),
        gettext_lazy("Approve"),
        frozenset({A.APPROVE}),
        _plain(f.ApproveForm),
        _approve,
    ),
    CaseAction(
        "send-back",
        gettext_lazy("Send the resolution back"),
        gettext_lazy("Send back"),
        frozenset({A.SEND_BACK}),
        _plain(f.SendBackForm),
        _send_back,
    ),
    CaseAction(
        "answer",
        gettext_lazy("Record the customer's answer"),
        gettext_lazy("Record the answer"),
        frozenset({A.RECORD_AGREEMENT}),
        _plain(f.CustomerAnswerForm),
        _answer,
    ),
    CaseAction(
        "question",
        gettext_lazy("Question to the customer"),
        gettext_lazy("Send"),
        frozenset({A.ASK_CUSTOMER}),
        _question_form,
        _question,
    ),
    CaseAction(
        "close",
        gettext_lazy("Close the case"),
        gettext_lazy("Close"),
        frozenset(CLOSURE_ACTIONS.values()),
        _close_form,
        _close,
    ),
    CaseAction(
        "reopen",
        gettext_lazy("Reopen the case"),
        gettext_lazy("Reopen"),
        frozenset({A.REOPEN}),
        _plain(f.ReopenForm),
        _reopen,
    ),
    CaseAction(
        "escalate",
        gettext_lazy("Escalate the case"),
        gettext_lazy("Escalate"),
        frozenset({A.ESCALATE}),
        _plain(f.EscalateForm),
        _escalate,
    ),
    CaseAction(
        "refer-external",
        gettext_lazy("Record a referral to an external body"),
        gettext_lazy("Record the referral"),
        frozenset({A.REFER_EXTERNAL}),
        _plain(f.ReferExternalForm),
        _refer_external,
    ),
    CaseAction(
        "follow-up",
        gettext_lazy("Record the customer's return as new feedback"),
        gettext_lazy("Record the follow-up"),
        frozenset({A.FOLLOW_UP}),
        _plain(f.FollowUpForm),
        _follow_up,
    ),
    CaseAction(
        "message",
        gettext_lazy("Message the customer"),
        gettext_lazy("Send the message"),
        frozenset({A.MESSAGE_CUSTOMER}),
        _plain(f.MessageForm),
        _message,
    ),
    CaseAction(
        "note",
        gettext_lazy("Add an internal note"),
        gettext_lazy("Add the note"),
        frozenset({A.ADD_NOTE}),
        _plain(f.NoteForm),
        _note,
    ),
    CaseAction(
        "acknowledge",
        gettext_lazy("Record the acknowledgement"),
        gettext_lazy("Record the acknowledgement"),
        frozenset({A.ACKNOWLEDGE}),
        _plain(f.AcknowledgeForm),
        _acknowledge,
    ),
    CaseAction(
        "involved",
        gettext_lazy("Record an involved person"),
        gettext_lazy("Record"),
        frozenset({A.RECORD_INVOLVED}),
        _plain(f.InvolvedForm),
        _involved,
    ),
    CaseAction(
        "compensation",
        gettext_lazy("Record compensation"),
        gettext_lazy("Record compensation"),
        frozenset({A.COMPENSATION_PROPOSE}),
        _plain(f.CompensationForm),
        _compensate,
    ),
    CaseAction(
        "compensation-decision",
        gettext_lazy("Decide on compensation"),
        gettext_lazy("Record the decision"),
        frozenset({A.COMPENSATION_APPROVE}),
        _decision_form,
        _decide,
    ),
    CaseAction(
        "reassign",
        gettext_lazy("Reassign the case"),
        gettext_lazy("Reassign"),
        frozenset({A.ASSIGN}),
        _reassign_form,
        _reassign,
    ),
    CaseAction(
        "assess",
        gettext_lazy("Revise the assessment"),
        gettext_lazy("Save the assessment"),
        frozenset({A.ASSESS}),
        _plain(f.AssessForm),
        _assess,
    ),
    CaseAction(
        "file",
        gettext_lazy("Add a file"),
        gettext_lazy("Add the file"),
        frozenset({A.ADD_ATTACHMENT}),
        _plain(f.FileForm),
        _add_file,
    ),
    CaseAction(
        "merge",
        gettext_lazy("Merge into another case (same customer)"),
        gettext_lazy("Merge"),
        frozenset({A.MERGE}),
        _plain(f.OtherCaseForm),
        _merge,
    ),
    CaseAction(
        "link",
        gettext_lazy("Link a related case"),
        gettext_lazy("Link"),
        frozenset({A.LINK}),
        _plain(f.OtherCaseForm),
        _link,
    ),
    CaseAction(
        "consent",
        gettext_lazy("Record the customer's consent or its withdrawal"),
        gettext_lazy("Record"),
        frozenset({A.RECORD_CONSENT}),
        _plain(f.ConsentForm),
        _consent,
    ),
    CaseAction(
        "disclose",
        gettext_lazy("Give the case to a third party"),
        gettext_lazy("Record the disclosure"),
        frozenset({A.DISCLOSE}),
        _plain(f.DisclosureForm),
        _disclose,
    ),
]
BY_SLUG = {a.slug: a for a in ACTIONS}


def offered(actions: frozenset[Action]) -> list[CaseAction]:
    return [a for a in ACTIONS if a.permits & actions]


@dataclass(frozen=True)
class ActionGroup:
    """One disclosure on the case page: the forms offered now that belong to it."""

    slug: str
    title: Promise
    actions: list[CaseAction]


# The case page's groups, in the order shown; every slug of ACTIONS in exactly one.
GROUPS: list[tuple[str, Promise, tuple[str, ...]]] = [
    ("reply", gettext_lazy("Answer the customer"),
     ("message", "question", "answer", "acknowledge")),
    ("note", gettext_lazy("Internal note"), ("note",)),
    ("move", gettext_lazy("Move the case"),
     ("start", "propose", "approve", "send-back", "close", "reopen", "escalate", "reassign",
      "refer-external")),
    ("more", gettext_lazy("More"),
     ("assess", "file", "involved", "compensation", "compensation-decision", "merge", "link",
      "follow-up", "consent", "disclose")),
]


# Drawn with the page: the groups staff open most (and the keyboard's r and n open). The
# others are drawn when first opened (htmx; a link without JavaScript): their forms were
# most of the page's rendering time, for groups most visits never open.
DRAWN_WITH_THE_PAGE = frozenset({"reply", "note"})


def offered_groups(actions: frozenset[Action]) -> list[ActionGroup]:
    """The groups with at least one form the user may use now (`offered`, grouped)."""
    now = {a.slug: a for a in offered(actions)}
    groups = [
        ActionGroup(slug, title, [now[s] for s in slugs if s in now])
        for slug, title, slugs in GROUPS
    ]
    return [g for g in groups if g.actions]


def group_of(slug: str) -> str:
    return next(g for g, _title, slugs in GROUPS if slug in slugs)
