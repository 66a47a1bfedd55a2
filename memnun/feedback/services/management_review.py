"""The management review's writers (ISO 10002 8.6, R8.6): the only code that changes a review.

The rules, here and nowhere else:
- quality and top management draft a review (`manage_reviews`): its meeting date, the
  period it reviews, who attended (staff by username, others as text); they make its
  pack and record its decisions while it is a draft;
- a decision's resulting action is a CAPA opened for it through the CAPA register
  (source "management review decision"), a link to the objective it changes, or none;
- only top management approves (`approve_reviews`), and only a draft with its pack made
  and someone named as attending; an approved review no longer changes, but each
  decision's status still moves from open to done as the work is done;
- the pack's two files are kept under MEDIA_ROOT (`reviews/`, never served directly)
  with their SHA-256, so the record shows which inputs the meeting had.
Each function is one transaction that locks the review row and writes an audit event
(`review.*`, object `management_review`, its id); free text stays out of the event.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from memnun.accounts.models import User
from memnun.audit.chain import audit_record
from memnun.feedback.errors import Conflict, FieldErrors, NotFound
from memnun.feedback.objectives_models import Objective
from memnun.feedback.permissions import Action, require
from memnun.feedback.review_models import (
    DecisionAction,
    DecisionStatus,
    ManagementReview,
    PackStatus,
    ReviewDecision,
    ReviewStatus,
)
from memnun.feedback.services.capa import capa_open_from_review_decision
from memnun.feedback.services.common import now_or

A = Action
PACK_DIR = "reviews"
PACK_LANGUAGES = ("tr", "en")


@dataclass(frozen=True)
class ReviewInput:
    meeting_on: date | None
    period_from: date | None
    period_to: date | None
    attendees: Sequence[str] = field(default_factory=tuple)  # usernames
    other_attendees: str = ""


def _audit(*, actor: User | None, action: str, review: ManagementReview,
           data: dict[str, Any]) -> None:
    audit_record(
        actor=actor.username if actor is not None else "", action=action,
        object_type="management_review", object_id=str(review.pk), data=data,
    )


def _check(data: ReviewInput) -> list[User]:
    errors: dict[str, list[str]] = {}
    if data.meeting_on is None:
        errors["meeting_on"] = [_("Give the meeting's date.")]
    if data.period_from is None:
        errors["period_from"] = [_("Give the first day of the period reviewed.")]
    if data.period_to is None:
        errors["period_to"] = [_("Give the last day of the period reviewed.")]
    elif data.period_from is not None and data.period_to < data.period_from:
        errors["period_to"] = [_("The end of the period is before its start.")]
    names = list(dict.fromkeys(n.strip() for n in data.attendees if n.strip()))
    people = list(User.objects.filter(username__in=names, is_active=True))
    if len(people) != len(names):
        errors["attendees"] = [_("No active member of staff has one of these usernames.")]
    if errors:
        raise FieldErrors(errors)
    return people


def _lock(review: ManagementReview) -> ManagementReview:
    return ManagementReview.objects.select_for_update().get(pk=review.pk)


def _draft_only(review: ManagementReview) -> None:
    if review.status != ReviewStatus.DRAFT:
        raise Conflict(_("This review is approved: it no longer changes."))


def review_draft(
    *, actor: User, data: ReviewInput, now: datetime | None = None
) -> ManagementReview:
    """A new review of a period, as a draft."""
    require(actor, A.MANAGE_REVIEWS)
    people = _check(data)
    assert data.meeting_on and data.period_from and data.period_to
    with transaction.atomic():
        review = ManagementReview.objects.create(
            meeting_on=data.meeting_on, period_from=data.period_from,
            period_to=data.period_to, other_attendees=data.other_attendees.strip(),
            drafted_by=actor, drafted_at=now_or(now),
        )
        review.attendees.set(people)
        _audit(actor=actor, action="review.drafted", review=review, data={
            "meeting_on": review.meeting_on.isoformat(),
            "period": [review.period_from.isoformat(), review.period_to.isoformat()],
            "attendees": sorted(p.username for p in people),
        })
    return review


def review_edit(*, actor: User, review: ManagementReview, data: ReviewInput) -> ManagementReview:
    """The date, period and attendees of a draft."""
    require(actor, A.MANAGE_REVIEWS)
    people = _check(data)
    assert data.meeting_on and data.period_from and data.period_to
    with transaction.atomic():
        review = _lock(review)
        _draft_only(review)
        review.meeting_on, review.period_from = data.meeting_on, data.period_from
        review.period_to, review.other_attendees = data.period_to, data.other_attendees.strip()
        review.save(update_fields=["meeting_on", "period_from", "period_to", "other_attendees"])
        review.attendees.set(people)
        _audit(actor=actor, action="review.edited", review=review, data={
            "meeting_on": review.meeting_on.isoformat(),
            "period": [review.period_from.isoformat(), review.period_to.isoformat()],
            "attendees": sorted(p.username for p in people),
        })
    return review


def decision_reference(review: ManagementReview, number: int) -> str:
    """How a CAPA names the decision it comes from."""
    return _("Management review of %(date)s, decision %(n)s") % {
        "date": review.meeting_on.strftime("%d.%m.%Y"), "n": number}


def review_decision_add(
    *, actor: User, review: ManagementReview, text: str, action: str,
    objective: int | None = None, now: datetime | None = None,
) -> ReviewDecision:
    """A decision of a draft review and its resulting action (a CAPA is opened now)."""
    require(actor, A.MANAGE_REVIEWS)
    errors: dict[str, list[str]] = {}
    if not text.strip():
        errors["text"] = [_("Write the decision.")]
    if action not in DecisionAction.values:
        errors["action"] = [_("Choose what the decision sets going.")]
    linked: Objective | None = None
    if action == DecisionAction.OBJECTIVE:
        linked = Objective.objects.filter(pk=objective).first() if objective else None
        if linked is None:
            errors["objective"] = [_("Choose the objective the decision changes.")]
    if errors:
        raise FieldErrors(errors)
    at = now_or(now)
    with transaction.atomic():
        review = _lock(review)
        _draft_only(review)
        number = review.decisions.count() + 1
        capa = None
        if action == DecisionAction.CAPA:
            capa = capa_open_from_review_decision(
                actor=actor, problem=text.strip(),
                reference=decision_reference(review, number), now=at,
            )
        decision = ReviewDecision.objects.create(
            review=review, text=text.strip(), action=action, capa=capa, objective=linked,
            recorded_by=actor, recorded_at=at,
        )
        _audit(actor=actor, action="review.decision_added", review=review, data={
            "decision": decision.pk, "action": action,
            "capa": capa.number if capa else None, "objective": linked.pk if linked else None,
        })
    return decision


def review_decision_done(
    *, actor: User, decision: ReviewDecision, now: datetime | None = None
) -> ReviewDecision:
    """A decision carried out (the next review's pack shows it done)."""
    require(actor, A.MANAGE_REVIEWS)
    with transaction.atomic():
        review = _lock(decision.review)
        decision = ReviewDecision.objects.select_for_update().get(pk=decision.pk)
        if decision.status == DecisionStatus.DONE:
            raise Conflict(_("This decision is done already."))
        decision.status = DecisionStatus.DONE
        decision.done_by, decision.done_at = actor, now_or(now)
        decision.save(update_fields=["status", "done_by", "done_at"])
        _audit(actor=actor, action="review.decision_done", review=review,
               data={"decision": decision.pk})
    return decision


def review_pack_queue(
    *, actor: User, review: ManagementReview, language: str, sections: int
) -> ManagementReview:
    """Ask for the review's pack to be made (by a job, `desk/review_pack_job.py`)."""
    require(actor, A.MANAGE_REVIEWS)
    if language not in PACK_LANGUAGES:
        raise FieldErrors({"language": [_("Choose Turkish or English.")]})
    with transaction.atomic():
        review = _lock(review)
        _draft_only(review)
        if review.pack_status in (PackStatus.QUEUED, PackStatus.RUNNING):
            raise Conflict(_("The pack is being made already."))
        review.pack_status, review.pack_done, review.pack_total = PackStatus.QUEUED, 0, sections
        review.pack_language = language
        review.save(update_fields=["pack_status", "pack_done", "pack_total", "pack_language"])
        _audit(actor=actor, action="review.pack_requested", review=review,
               data={"language": language})
    return review


def review_pack_progress(*, review_id: int, done: int) -> None:
    """How many sections the job has assembled (the page follows it); not audited."""
    ManagementReview.objects.filter(pk=review_id).update(
        pack_status=PackStatus.RUNNING, pack_done=done)


def review_pack_failed(*, review_id: int) -> None:
    ManagementReview.objects.filter(pk=review_id).update(pack_status=PackStatus.FAILED)


def pack_path(name: str) -> Path:
    return Path(settings.MEDIA_ROOT) / name


def _store(data: bytes, suffix: str) -> tuple[str, str]:
    name = f"{PACK_DIR}/{get_random_string(24)}.{suffix}"
    path = pack_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return name, hashlib.sha256(data).hexdigest()


def review_pack_attach(
    *, actor: User, review: ManagementReview, language: str, pdf: bytes, xlsx: bytes,
    now: datetime | None = None,
) -> ManagementReview:
    """Keep the made pack's files with the review, with their hashes (replacing an
    earlier pack of the draft)."""
    require(actor, A.MANAGE_REVIEWS)
    pdf_name, pdf_hash = _store(pdf, "pdf")
    xlsx_name, xlsx_hash = _store(xlsx, "xlsx")
    try:
        with transaction.atomic():
            review = _lock(review)
            _draft_only(review)
            old = [review.pack_pdf, review.pack_xlsx]
            review.pack_status, review.pack_language = PackStatus.DONE, language
            review.pack_pdf, review.pack_pdf_sha256 = pdf_name, pdf_hash
            review.pack_xlsx, review.pack_xlsx_sha256 = xlsx_name, xlsx_hash
            review.pack_made_by, review.pack_made_at = actor, now_or(now)
            review.pack_done = review.pack_total
            review.save()
            _audit(actor=actor, action="review.pack_made", review=review, data={
                "language": language, "pdf_sha256": pdf_hash, "xlsx_sha256": xlsx_hash,
            })
    except Exception:
        pack_path(pdf_name).unlink(missing_ok=True)
        pack_path(xlsx_name).unlink(missing_ok=True)
        raise
    for name in old:
        if name:  # once committed, the new files are the pack
            transaction.on_commit(partial(_unlink, name))
    return review


def _unlink(name: str) -> None:
    pack_path(name).unlink(missing_ok=True)


def review_pack_file(*, review: ManagementReview, kind: str) -> Path:
    """The stored file of a made pack ("pdf" or "xlsx"); NotFound before it is made."""
    name = {"pdf": review.pack_pdf, "xlsx": review.pack_xlsx}.get(kind, "")
    path = pack_path(name) if name else None
    if path is None or not path.exists():
        raise NotFound(_("This review's pack is not made yet."))
    return path


def review_approve(
    *, actor: User, review: ManagementReview, now: datetime | None = None
) -> ManagementReview:
    """Top management approves the review: its record and decisions are final."""
    require(actor, A.APPROVE_REVIEWS)
    with transaction.atomic():
        review = _lock(review)
        _draft_only(review)
        if review.pack_status != PackStatus.DONE:
            raise Conflict(_("Make the review's pack first: it is the meeting's input."))
        if not review.attendees.exists() and not review.other_attendees.strip():
            raise Conflict(_("Name who attended the review."))
        review.status = ReviewStatus.APPROVED
        review.approved_by, review.approved_at = actor, now_or(now)
        review.save(update_fields=["status", "approved_by", "approved_at"])
        _audit(actor=actor, action="review.approved", review=review,
               data={"decisions": review.decisions.count()})
    return review
