"""Policy versions through the real services, for the tests."""

from __future__ import annotations

from datetime import date

from memnun.feedback.services.policy import (
    PolicyText,
    policy_approve,
    policy_draft,
    policy_publish,
)
from memnun.governance.models import PolicyVersion
from tests.casework import user

TEXT = PolicyText(
    text_tr="Şikâyetleri ücretsiz, adil ve gizlilik içinde ele alırız.\n\n- Her kanaldan kabul"
    "\n- Referans numarası",
    text_en="We handle complaints free of charge, fairly and in confidence.\n\n- Every channel"
    "\n- A reference number",
    effective_from=date(2026, 12, 1),
)


def published(text: PolicyText = TEXT) -> PolicyVersion:
    """A version drafted by quality, approved by top management and published."""
    version = policy_draft(actor=user("quality"), text=text)
    policy_approve(actor=user("manager"), version=version)
    return policy_publish(actor=user("quality"), version=version)
