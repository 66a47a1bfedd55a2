"""The append-only, hash-chained event log."""

from __future__ import annotations

from typing import Any

from django.db import models


class AppendOnlyError(RuntimeError):
    pass


class AuditEvent(models.Model):
    """One business change: who, when, what, before → after.

    Each row's hash covers its content and the previous row's hash, so that an
    edited or removed row breaks the chain (see `memnun.audit.chain.verify`).
    On PostgreSQL a row is written unsealed (no seq, no hashes) in the change's
    transaction and sealed just after it commits (`memnun.audit.chain`): `seq` is
    the position in the chain, given in commit order, so it is null until then.
    """

    seq = models.PositiveBigIntegerField(unique=True, null=True)
    at = models.DateTimeField()
    actor = models.CharField(max_length=150, blank=True)  # username, or "" for the public
    action = models.CharField(max_length=64, db_index=True)  # namespaced, e.g. "feedback.created"
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    data = models.JSONField(default=dict)
    # Null, not "", until sealed: the unsealed index and the sealer look for NULL.
    prev_hash = models.CharField(max_length=64, null=True)  # noqa: DJ001
    hash = models.CharField(max_length=64, null=True)  # noqa: DJ001

    class Meta:
        # Sealed events in chain order, then the few not yet sealed in the order written.
        ordering = [models.F("seq").asc(nulls_last=True), "id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "seq"]),
            # The sealer's and the verifier's look-up of what still waits: small and hot.
            models.Index(
                fields=["id"], name="audit_event_unsealed",
                condition=models.Q(hash__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    # save() only refuses changes: a new event may be written by memnun.rowinsert.
    INSERT_AS_SAVE = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit events are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events are never deleted")


class AuditChainHead(models.Model):
    """A single row holding the chain's end; locking it orders concurrent appends."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"audit head #{self.seq}"
