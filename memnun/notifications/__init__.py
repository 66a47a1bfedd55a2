"""Outbound messages: a durable outbox, its delivery worker, and the e-mail/SMS/letter channels.

Notifications knows nothing of feedback (style.md: it is a lower floor). A caller
queues a rendered message with `outbox.message_queue(...)` inside the transaction of
the change that causes it; the row commits or rolls back with that change.

The decision: our own outbox table, drained by one job
------------------------------------------------------
Messages are rows of `OutboundMessage`, not one django-task each. A job,
`notifications.tasks.deliver_pending`, claims due rows in small batches and sends
them, reusing one SMTP connection for a batch. Why not one task per message:

* the row *is* the record staff look at (status, attempts, last error, when the
  provider accepted it); a task per message would keep a second copy of that
  state in `DBTaskResult` and the two could disagree;
* retries, backoff, dead letters and "retry now" are about the message, and stay
  visible on it after the task rows are pruned;
* one drain sends a burst over one connection instead of one connect per message.

Claiming: PostgreSQL takes due rows with `SELECT … FOR UPDATE SKIP LOCKED`, so
workers never wait on each other's rows; on both databases the claim itself is a
conditional `UPDATE … SET status='sending' WHERE status IN ('pending','failed')`,
so a row is claimed by one worker only (on SQLite the IMMEDIATE transactions
serialise claimers anyway). A partial index covers only the rows waiting to go.

Waking the worker: queueing a message makes sure a `deliver_pending` task is
READY and not claimable before the message commits (on PostgreSQL the queueing
transaction locks a waiting task row with SKIP LOCKED, or enqueues a new one;
on SQLite writers are serialised). The worker polls every second, so a message
is handed to the provider about a second after its transaction commits. A
periodic run (every 30 s) picks up retries and expired claims as a safety net.

Delivery guarantee: at least once, with at most one duplicate per crash. A
claim holds a lease (`MEMNUN_OUTBOX_LEASE_SECONDS`); a worker that dies after
the provider accepted a message but before marking it sent leaves it `sending`,
and once the lease expires it is sent again. The duplicate carries the same
`Message-ID` (e-mail) and the same `Idempotency-Key` (SMS HTTP API), so a
provider that honours the key drops it and a mail client shows it as the same
message. Letters never duplicate: the PDF is keyed by the message.
"""
