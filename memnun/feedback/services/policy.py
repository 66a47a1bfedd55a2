"""The complaints-handling policy (ISO 10002 4.2, 5.3) and the management representative
(5.4): drafted by quality, approved by top management, then published to the staff and
the portal; each member of staff acknowledges the published version. Every write audited.

draft → approved → published (→ superseded when a newer version is published). A draft
is the only version that can still change; publication needs a top-management approval
on the version (the database refuses it too, `policy_approved_before_leaving_draft`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _

from memnun.accounts.models import User
from memnun.audit.chain import audit_record
from memnun.feedback.errors import Conflict, FieldErrors
from memnun.feedback.permissions import Action, require
from memnun.feedback.services.common import now_or
from memnun.feedback.services.involvement import staff_by_username
from memnun.governance.models import (
    PolicyAcknowledgement,
    PolicyStatus,
    PolicyVersion,
    RepresentativeAppointment,
)


@dataclass(frozen=True)
class PolicyText:
    text_tr: str
    text_en: str
    effective_from: date | None


def _policy_audit(*, actor: User, action: str, version: PolicyVersion, **data: object) -> None:
    audit_record(
        actor=actor.username, action=action, object_type="policy_version",
        object_id=str(version.number), data=dict(data),
    )


def _text_check(text: PolicyText) -> None:
    errors: dict[str, list[str]] = {}
    if not text.text_tr.strip():
        errors["text_tr"] = [_("Write the policy in Turkish.")]
    if not text.text_en.strip():
        errors["text_en"] = [_("Write the policy in English.")]
    if text.effective_from is None:
        errors["effective_from"] = [_("Give the date the policy takes effect.")]
    if errors:
        raise FieldErrors(errors)


def _locked(version: PolicyVersion) -> PolicyVersion:
    return PolicyVersion.objects.select_for_update().get(pk=version.pk)


def policy_draft(*, actor: User, text: PolicyText, now: datetime | None = None) -> PolicyVersion:
    """A new draft version, numbered after the last one."""
    require(actor, Action.MANAGE_POLICY)
    _text_check(text)
    assert text.effective_from is not None
    at = now_or(now)
    with transaction.atomic():
        # Two drafts at once: the unique version number refuses the second.
        last = PolicyVersion.objects.aggregate(n=Max("number"))["n"]
        version = PolicyVersion.objects.create(
            number=(last or 0) + 1, text_tr=text.text_tr.strip(), text_en=text.text_en.strip(),
            effective_from=text.effective_from, drafted_by=actor, drafted_at=at,
        )
        _policy_audit(actor=actor, action="policy.drafted", version=version,
                      effective_from=version.effective_from.isoformat())
    return version


def policy_draft_edit(*, actor: User, version: PolicyVersion, text: PolicyText) -> PolicyVersion:
    """Change a draft's text or date; an approved version is never changed (draft anew)."""
    require(actor, Action.MANAGE_POLICY)
    _text_check(text)
    assert text.effective_from is not None
    with transaction.atomic():
        version = _locked(version)
        if version.status != PolicyStatus.DRAFT:
            raise Conflict(_("Only a draft can be changed; write a new version instead."))
        version.text_tr, version.text_en = text.text_tr.strip(), text.text_en.strip()
        version.effective_from = text.effective_from
        version.save(update_fields=["text_tr", "text_en", "effective_from"])
        _policy_audit(actor=actor, action="policy.edited", version=version,
                      effective_from=version.effective_from.isoformat())
    return version


def policy_approve(
    *, actor: User, version: PolicyVersion, now: datetime | None = None
) -> PolicyVersion:
    """Top management approves a draft (ISO 10002 4.2): the approver and the date are kept."""
    require(actor, Action.APPROVE_POLICY)
    at = now_or(now)
    with transaction.atomic():
        version = _locked(version)
        if version.status != PolicyStatus.DRAFT:
            raise Conflict(_("Only a draft can be approved."))
        version.status = PolicyStatus.APPROVED
        version.approved_by, version.approved_at = actor, at
        version.save(update_fields=["status", "approved_by", "approved_at"])
        _policy_audit(actor=actor, action="policy.approved", version=version)
    return version


def policy_publish(
    *, actor: User, version: PolicyVersion, now: datetime | None = None
) -> PolicyVersion:
    """Publish an approved version: the portal shows it, staff acknowledge it at their next
    login, and the version it replaces is superseded."""
    require(actor, Action.PUBLISH_POLICY)
    at = now_or(now)
    with transaction.atomic():
        version = _locked(version)
        if version.status == PolicyStatus.DRAFT or version.approved_by_id is None:
            raise Conflict(
                _("Top management has not approved this version; it cannot be published.")
            )
        if version.status != PolicyStatus.APPROVED:
            raise Conflict(_("This version is already published."))
        replaced = list(
            PolicyVersion.objects.select_for_update()
            .filter(status=PolicyStatus.PUBLISHED).values_list("number", flat=True)
        )
        PolicyVersion.objects.filter(status=PolicyStatus.PUBLISHED).update(
            status=PolicyStatus.SUPERSEDED
        )
        version.status = PolicyStatus.PUBLISHED
        version.published_by, version.published_at = actor, at
        version.save(update_fields=["status", "published_by", "published_at"])
        _policy_audit(actor=actor, action="policy.published", version=version,
                      superseded=replaced)
    return version


def policy_acknowledge(
    *, actor: User, version: PolicyVersion, now: datetime | None = None
) -> PolicyAcknowledgement:
    """The member of staff has read the published version (once; a second click is a no-op)."""
    at = now_or(now)
    with transaction.atomic():
        version = _locked(version)
        if version.status != PolicyStatus.PUBLISHED:
            raise Conflict(_("Only the published version of the policy is acknowledged."))
        existing = PolicyAcknowledgement.objects.filter(user=actor, version=version).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                ack = PolicyAcknowledgement.objects.create(user=actor, version=version, at=at)
        except IntegrityError:  # the same person's second tab, at the same moment
            return PolicyAcknowledgement.objects.get(user=actor, version=version)
        _policy_audit(actor=actor, action="policy.acknowledged", version=version)
    return ack


@dataclass(frozen=True)
class AppointmentInput:
    username: str
    starts_on: date | None
    ends_on: date | None
    text: str


def representative_appoint(
    *, actor: User, data: AppointmentInput, now: datetime | None = None
) -> RepresentativeAppointment:
    """Top management appoints the complaints-handling management representative.

    The appointment in force before it (one with no end, or ending after the new one
    starts) ends the day before the new one starts; the history is kept.
    """
    require(actor, Action.APPOINT_REPRESENTATIVE)
    errors: dict[str, list[str]] = {}
    if data.starts_on is None:
        errors["starts_on"] = [_("Give the date the appointment starts.")]
    elif data.ends_on is not None and data.ends_on < data.starts_on:
        errors["ends_on"] = [_("The appointment cannot end before it starts.")]
    if not data.text.strip():
        errors["text"] = [_("Write the appointment: the duties and the authority given.")]
    if errors:
        raise FieldErrors(errors)
    assert data.starts_on is not None
    appointee = staff_by_username(data.username, field="username")
    if not appointee.is_active:
        raise FieldErrors({"username": [_("This member of staff is not active.")]})
    at = now_or(now)
    with transaction.atomic():
        overlapping = list(
            RepresentativeAppointment.objects.select_for_update()
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=data.starts_on))
        )
        if any(a.starts_on >= data.starts_on for a in overlapping):
            raise Conflict(
                _("An appointment already starts on or after this date; appoint from a later"
                  " date.")
            )
        for previous in overlapping:
            previous.ends_on = data.starts_on - timedelta(days=1)
            previous.save(update_fields=["ends_on"])
        appointment = RepresentativeAppointment.objects.create(
            user=appointee, appointed_by=actor, starts_on=data.starts_on, ends_on=data.ends_on,
            text=data.text.strip(), recorded_at=at,
        )
        audit_record(
            actor=actor.username, action="policy.representative_appointed",
            object_type="representative_appointment", object_id=str(appointment.pk),
            data={"user": appointee.username, "starts_on": data.starts_on.isoformat(),
                  "ends_on": data.ends_on.isoformat() if data.ends_on else None,
                  "ended": [p.pk for p in overlapping]},
        )
    return appointment
