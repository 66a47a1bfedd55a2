"""The audit trail tells, webhooks act: every case event that is a webhook event is queued."""

from __future__ import annotations

from typing import Any

from memnun.audit.models import AuditEvent
from memnun.audit.signals import audit_recorded
from memnun.webhooks.services import webhook_emit


def _on_audit(sender: Any, event: AuditEvent, **kwargs: Any) -> None:
    webhook_emit(event=event)


def connect() -> None:
    audit_recorded.connect(_on_audit, dispatch_uid="webhooks.emit")
