"""What the audit trail announces: every event appended by `chain.audit_record`.

Sent inside the transaction of the change the event records, so a receiver's writes
(a webhook queued in the outbox) commit or roll back with that change. The audit
floor knows nothing of its listeners (memnun.webhooks connects one).
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent with `event` (the AuditEvent just appended).
audit_recorded = Signal()
