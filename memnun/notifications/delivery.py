"""The delivery worker: claim due messages, send them, record the outcome.

    claim (pending|failed → sending, with a lease)  →  channel.send  →  sent | failed | dead

* Claim: `claim_batch` takes up to `batch` due rows. PostgreSQL reads them with
  `FOR UPDATE SKIP LOCKED` (concurrent workers take different rows without
  waiting); on every database the claim is the conditional
  `UPDATE … SET status='sending', claim_token=… WHERE id IN (…) AND status IN
  ('pending','failed')`, so a row goes to one worker only.
* Outcome: marked by a conditional UPDATE on the claim token, so a worker whose
  lease ran out (and whose row someone else re-claimed) cannot overwrite it.
  Temporary failures go back to `failed` with exponential backoff (or the
  provider's Retry-After); after `MEMNUN_OUTBOX_MAX_ATTEMPTS`, and at once for
  permanent failures, the message is `dead` with its error.
* Crash: a row left `sending` by a worker presumed dead (its heartbeat older than
  `MEMNUN_WORKER_STALE_SECONDS`, the rule of `memnun.jobs.recovery`), or past its
  lease (`MEMNUN_OUTBOX_LEASE_SECONDS`: the backstop for claimants without a
  heartbeat, and for a live worker stuck in one send), is put back to `failed` by
  `leases_recover` and sent again. Duplicate bound: a message goes out twice only
  if the server accepted it and its worker died (or was presumed dead) before
  marking it, i.e. mid-send: at most one duplicate per such death, carrying the
  same Message-ID / Idempotency-Key. Every other claimed row had not been handed
  to a server yet. A drain stopped by a forced stop puts its unmarked claims back
  at once.
* Callbacks: marking a message sent or dead enqueues its `callback_task` in the
  same transaction (letters call back when printed: `letters.py`).
"""

from __future__ import annotations

import logging
import random
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Min, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from memnun.jobs.recovery import presumed_dead_at
from memnun.notifications.channels import (
    Accepted,
    ChannelPool,
    DeliveryFailure,
    PermanentFailure,
    TemporaryFailure,
)
from memnun.notifications.models import (
    DUE_STATUSES,
    MessageChannel,
    MessageStatus,
    OutboundMessage,
)

logger = logging.getLogger("memnun.notifications")

Clock = Callable[[], datetime]
LEASE_LOST = "claim expired before the outcome was recorded; it may have been sent"


@dataclass
class DrainReport:
    sent: int = 0
    retried: int = 0
    dead: int = 0
    recovered: int = 0
    more: bool = False  # stopped by the time budget with messages still due
    ids: list[int] = field(default_factory=list)


def backoff(attempt: int, rand: Callable[[], float] = random.random) -> timedelta:
    """Delay after failed attempt `attempt` (1-based): base·2^(n-1), capped, up to 20 % less."""
    base = settings.MEMNUN_OUTBOX_BACKOFF_SECONDS
    cap = settings.MEMNUN_OUTBOX_BACKOFF_MAX_SECONDS
    delay = min(cap, base * (1 << min(max(attempt - 1, 0), 30)))
    return timedelta(seconds=delay * (1 - 0.2 * rand()))


def _claimants_dead_at() -> dict[str, datetime] | None:
    """When each worker holding claims is presumed dead (those with a heartbeat row);
    None when no message is claimed at all (then no claim can be taken back, and the
    delivery run, which asks after every message, asks nothing more)."""
    claimants = set(
        OutboundMessage.objects.filter(status=MessageStatus.SENDING).values_list(
            "claimed_by", flat=True
        )
    )
    return presumed_dead_at(claimants) if claimants else None


def leases_recover(*, now: datetime) -> int:
    """Rows claimed by a worker that never recorded the outcome: back in line, or dead.

    The worker is presumed dead when its heartbeat stopped (seconds) or, without a
    heartbeat, when its lease ran out (minutes).
    """
    dead_at = _claimants_dead_at()
    if dead_at is None:
        return 0
    dead_workers = [worker for worker, at in dead_at.items() if at < now]
    expired = OutboundMessage.objects.filter(status=MessageStatus.SENDING).filter(
        Q(lease_until__lt=now) | Q(claimed_by__in=dead_workers)
    )
    out_of_attempts = expired.filter(attempts__gte=settings.MEMNUN_OUTBOX_MAX_ATTEMPTS)
    dead_ids = list(out_of_attempts.values_list("id", flat=True))
    recovered = expired.exclude(id__in=dead_ids).update(
        status=MessageStatus.FAILED, next_attempt_at=now, last_error=LEASE_LOST,
        claim_token="", lease_until=None,
    )
    for message in OutboundMessage.objects.filter(id__in=dead_ids):
        with transaction.atomic():
            if OutboundMessage.objects.filter(
                id=message.id, status=MessageStatus.SENDING, claim_token=message.claim_token
            ).update(status=MessageStatus.DEAD, last_error=LEASE_LOST, lease_until=None):
                callback_enqueue(message, "dead", now)
    if recovered or dead_ids:
        logger.warning("outbox: %d expired claim(s) requeued, %d dead", recovered, len(dead_ids))
    return recovered + len(dead_ids)


def claim_batch(*, worker: str, now: datetime, batch: int) -> list[OutboundMessage]:
    """Take up to `batch` due messages for this worker (see the module docstring)."""
    token = secrets.token_hex(16)
    lease = now + timedelta(seconds=settings.MEMNUN_OUTBOX_LEASE_SECONDS)
    with transaction.atomic():
        due = OutboundMessage.objects.filter(
            status__in=DUE_STATUSES, next_attempt_at__lte=now
        ).order_by("next_attempt_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("id", flat=True)[:batch])
        if not ids:
            return []
        OutboundMessage.objects.filter(id__in=ids, status__in=DUE_STATUSES).update(
            status=MessageStatus.SENDING, claim_token=token, claimed_by=worker[:64],
            lease_until=lease, attempts=F("attempts") + 1,
        )
    return list(
        OutboundMessage.objects.filter(id__in=ids, claim_token=token).order_by(
            "next_attempt_at", "id"
        )
    )


def _mine(message: OutboundMessage) -> Any:
    return OutboundMessage.objects.filter(
        id=message.id, status=MessageStatus.SENDING, claim_token=message.claim_token
    )


def _redacted(text: str, secrets_: list[str]) -> str:
    for value in secrets_:
        text = text.replace(value, "•" * 4)
    return text


def callback_enqueue(message: OutboundMessage, outcome: str, at: datetime) -> None:
    if message.callback_task:
        import_string(message.callback_task).enqueue(
            message_id=message.id, outcome=outcome, at=at.isoformat()
        )


def mark_sent(message: OutboundMessage, accepted: Accepted) -> bool:
    """Record that the provider accepted it; call back (letters: once printed)."""
    fields: dict[str, Any] = {
        "status": MessageStatus.SENT, "sent_at": accepted.at, "lease_until": None,
        "provider_message_id": accepted.provider_message_id[:255], "last_error": "",
    }
    if message.redact:  # the tracking code has reached the customer: do not keep it
        fields["text"] = _redacted(message.text, message.redact)
        fields["html"] = _redacted(message.html, message.redact)
        fields["redact"] = []
    with transaction.atomic():
        if not _mine(message).update(**fields):
            logger.warning("outbox: message %s was re-claimed before it was marked sent",
                           message.id)
            return False
        if message.channel != MessageChannel.LETTER:
            callback_enqueue(message, "sent", accepted.at)
    return True


def mark_failed(message: OutboundMessage, failure: DeliveryFailure, now: datetime,
                rand: Callable[[], float] = random.random) -> str:
    """A temporary failure waits for its backoff; a permanent one, or the last attempt, dies."""
    error = str(failure)[:2000]
    permanent = isinstance(failure, PermanentFailure)
    if not permanent and message.attempts < settings.MEMNUN_OUTBOX_MAX_ATTEMPTS:
        delay = backoff(message.attempts, rand)
        if failure.retry_after is not None:
            delay = max(delay, timedelta(seconds=failure.retry_after))
        _mine(message).update(
            status=MessageStatus.FAILED, next_attempt_at=now + delay, last_error=error,
            lease_until=None,
        )
        return MessageStatus.FAILED
    if not permanent:
        error = f"{error} (gave up after {message.attempts} attempts)"
    with transaction.atomic():
        if _mine(message).update(status=MessageStatus.DEAD, last_error=error, lease_until=None):
            callback_enqueue(message, "dead", now)
    return MessageStatus.DEAD


def deliver_one(message: OutboundMessage, pool: ChannelPool, clock: Clock = timezone.now) -> str:
    """Send one claimed message and record what happened; return its new status."""
    try:
        accepted = pool.get(message.channel).send(message)
    except DeliveryFailure as failure:
        outcome = mark_failed(message, failure, clock())
    except Exception as exc:  # a bug or an unexpected library error: keep it, retry later
        logger.exception("outbox: message %s raised while sending", message.id)
        outcome = mark_failed(message, TemporaryFailure(f"{type(exc).__name__}: {exc}"), clock())
    else:
        mark_sent(message, accepted)
        outcome = MessageStatus.SENT
    level = logging.INFO if outcome == MessageStatus.SENT else logging.WARNING
    logger.log(level, "outbox: message %s %s %s attempt %d → %s", message.id, message.kind,
               message.channel, message.attempts, outcome)
    return outcome


def drain(
    *,
    worker: str,
    budget: float = 20.0,
    batch: int | None = None,
    clock: Clock = timezone.now,
    pool: ChannelPool | None = None,
) -> DrainReport:
    """Send everything due, batch by batch, for at most `budget` seconds."""
    report = DrainReport()
    report.recovered = leases_recover(now=clock())
    started = time.monotonic()
    own_pool = pool is None
    pool = pool or ChannelPool()
    try:
        while True:
            if time.monotonic() - started >= budget:
                report.more = OutboundMessage.objects.filter(
                    status__in=DUE_STATUSES, next_attempt_at__lte=clock()
                ).exists()
                break
            size = batch or settings.MEMNUN_OUTBOX_BATCH
            claimed = claim_batch(worker=worker, now=clock(), batch=size)
            if not claimed:
                break
            for index, message in enumerate(claimed):
                try:
                    outcome = deliver_one(message, pool, clock)
                except BaseException:  # a forced stop: what is not marked goes back now
                    _release(claimed[index:], clock())
                    raise
                report.ids.append(message.id)
                if outcome == MessageStatus.SENT:
                    report.sent += 1
                elif outcome == MessageStatus.DEAD:
                    report.dead += 1
                else:
                    report.retried += 1
            # A short batch took all that was due: a message queued since found this run
            # claimed (not ready) and woke another (outbox.delivery_wake), and one whose
            # retry falls due later has next_due_at's run. No need to look again.
            if len(claimed) < size:
                break
    finally:
        if own_pool:
            pool.close()
    return report


def _release(messages: list[OutboundMessage], now: datetime) -> None:
    """Put back an interrupted batch: the first message was being sent (it may have gone
    out), the others were never tried and get their attempt back."""
    for position, message in enumerate(messages):
        if position == 0:
            _mine(message).update(
                status=MessageStatus.FAILED, next_attempt_at=now, last_error=LEASE_LOST,
                claim_token="", lease_until=None,
            )
        else:
            _mine(message).update(
                status=MessageStatus.FAILED if message.attempts > 1 else MessageStatus.PENDING,
                attempts=F("attempts") - 1, next_attempt_at=now, claim_token="",
                lease_until=None,
            )


def next_due_at(*, now: datetime | None = None) -> datetime | None:
    """When the earliest waiting message falls due, or a claim may be taken back.

    A claim is taken back when its worker is presumed dead or its lease runs out; a
    run scheduled then sends a crashed worker's messages within seconds of the
    crash being noticed, rather than at the next periodic run. (A claim already
    reclaimable is left to the periodic run: it must not hide a later time.)
    """
    now = now or timezone.now()
    due = OutboundMessage.objects.filter(status__in=DUE_STATUSES).aggregate(
        at=Min("next_attempt_at")
    )["at"]
    claimants = _claimants_dead_at()
    if claimants is None:
        return due if isinstance(due, datetime) else None
    lease = OutboundMessage.objects.filter(
        status=MessageStatus.SENDING, lease_until__gt=now
    ).aggregate(at=Min("lease_until"))["at"]
    dead_at = [at for at in claimants.values() if at > now]
    times = [at for at in (due, lease, *dead_at) if isinstance(at, datetime)]
    return min(times) if times else None
