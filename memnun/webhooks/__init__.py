"""Signed webhooks for integrators: subscriptions, events, delivery through the outbox.

What happens to a case is announced by the audit trail (`audit.signals.audit_recorded`,
sent in the change's transaction); `receivers.py` maps the few audit actions that are
webhook events (`events.py`) and queues one outbox message per active subscription
(`services.webhook_emit`), so the webhook exists only if the change commits. The
outbox's worker delivers it through the `webhook` channel (`channel.py`, registered
with notifications at start-up): retries with backoff, dead letters and the lease
recovery are the e-mail's. Each attempt is logged (`WebhookDelivery`); a subscription
that fails `MEMNUN_WEBHOOK_FAILURE_LIMIT` times in a row is disabled and the
administrators and quality managers are told by e-mail. See docs/webhooks.md.

It sits beside dataprotection, above feedback: it reads cases and records disclosures
through feedback's service; feedback never imports it.
"""
