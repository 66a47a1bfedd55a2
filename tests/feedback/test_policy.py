"""The complaints-handling policy's rules (R4.2, R5.3, R5.4a): versions approved by top
management before publication, acknowledgements, the representative's appointments."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from memnun.audit.models import AuditEvent
from memnun.feedback.errors import Conflict, FieldErrors, NotPermitted
from memnun.feedback.selectors.policy import acknowledgement_due, appointments, policy_current
from memnun.feedback.services.policy import (
    AppointmentInput,
    policy_acknowledge,
    policy_approve,
    policy_draft,
    policy_draft_edit,
    policy_publish,
    representative_appoint,
)
from memnun.governance.models import PolicyStatus, PolicyVersion
from tests.casework import user
from tests.feedback.policies import TEXT, published

pytestmark = pytest.mark.django_db


def test_a_policy_cannot_be_published_without_management_approval(demo: None) -> None:
    draft = policy_draft(actor=user("quality"), text=TEXT)
    assert (draft.number, draft.status) == (1, PolicyStatus.DRAFT)
    with translation.override("en"), pytest.raises(Conflict, match="not approved"):
        policy_publish(actor=user("quality"), version=draft)
    with translation.override("en"), pytest.raises(Conflict, match="not approved"):
        policy_publish(actor=user("manager"), version=draft)
    # Nobody but top management approves, not even the quality manager who drafted it.
    for role in ("quality", "reviewer", "auditor", "admin"):
        with pytest.raises(NotPermitted):
            policy_approve(actor=user(role), version=draft)
    assert policy_current() is None

    policy_approve(actor=user("manager"), version=draft)
    version = policy_publish(actor=user("quality"), version=draft)
    version.refresh_from_db()
    assert version.status == PolicyStatus.PUBLISHED
    assert version.approved_by == user("manager") and version.approved_at is not None
    assert policy_current() == version
    actions = list(
        AuditEvent.objects.filter(object_type="policy_version").values_list("action", "actor")
    )
    assert actions == [
        ("policy.drafted", "quality"), ("policy.approved", "manager"),
        ("policy.published", "quality"),
    ]


def test_the_database_refuses_a_published_version_without_approval(demo: None) -> None:
    draft = policy_draft(actor=user("quality"), text=TEXT)
    with pytest.raises(IntegrityError), transaction.atomic():
        PolicyVersion.objects.filter(pk=draft.pk).update(status=PolicyStatus.PUBLISHED)


def test_publishing_supersedes_the_previous_version_and_only_drafts_change(demo: None) -> None:
    first = published()
    with pytest.raises(Conflict):
        policy_draft_edit(actor=user("quality"), version=first, text=TEXT)
    second = published(replace(TEXT, text_en="Version two."))
    first.refresh_from_db()
    assert (first.status, second.number) == (PolicyStatus.SUPERSEDED, 2)
    assert policy_current() == second


def test_a_draft_needs_both_languages_and_a_date(demo: None) -> None:
    with pytest.raises(FieldErrors) as error:
        policy_draft(
            actor=user("quality"), text=replace(TEXT, text_en=" ", effective_from=None)
        )
    assert set(error.value.fields) == {"text_en", "effective_from"}
    with pytest.raises(NotPermitted):
        policy_draft(actor=user("manager"), text=TEXT)


def test_each_published_version_is_acknowledged_once_per_person(demo: None) -> None:
    handler = user("handler")
    first = published()
    assert acknowledgement_due(user=handler) == first
    policy_acknowledge(actor=handler, version=first)
    policy_acknowledge(actor=handler, version=first)  # a second click changes nothing
    assert acknowledgement_due(user=handler) is None
    assert AuditEvent.objects.filter(action="policy.acknowledged", actor="handler").count() == 1

    second = published(replace(TEXT, text_tr="İkinci sürüm."))
    assert acknowledgement_due(user=handler) == second
    with pytest.raises(Conflict):  # the superseded version is no longer acknowledged
        policy_acknowledge(actor=user("agent"), version=first)


def test_the_representative_is_appointed_by_top_management_with_history(demo: None) -> None:
    data = AppointmentInput(
        username="quality", starts_on=date(2026, 1, 1), ends_on=None,
        text="Şikâyet yönetim sisteminden sorumlu yönetim temsilcisi.",
    )
    with pytest.raises(NotPermitted):
        representative_appoint(actor=user("quality"), data=data)
    representative_appoint(actor=user("manager"), data=data)
    representative_appoint(
        actor=user("manager"), data=replace(data, username="reviewer", starts_on=date(2026, 7, 1))
    )
    with pytest.raises(Conflict):
        representative_appoint(
            actor=user("manager"), data=replace(data, starts_on=date(2026, 6, 1))
        )
    rows = appointments(today=date(2026, 8, 1))
    assert [(r.representative, r.starts_on, r.ends_on, r.in_force) for r in rows] == [
        ("Zeynep Kaya", date(2026, 7, 1), None, True),
        ("Emre Şahin", date(2026, 1, 1), date(2026, 6, 30), False),
    ]
    assert all(r.appointed_by == "Selin Arslan" for r in rows)
    assert AuditEvent.objects.filter(action="policy.representative_appointed").count() == 2
