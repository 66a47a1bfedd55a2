"""Received e-mails that became no case (ignored or refused) leave when their retention
period ends (category `inbound_mail` of the retention schedule, K9): the row, its files'
rows, and each stored file no other e-mail still shares (files are stored by content).

The e-mails of a case stay with the case; they are cleared when the case is anonymised.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from memnun.mailin.models import InboundAttachment, InboundMessage


def inbound_unmatched_prune(
    *, before: datetime, now: datetime, dry_run: bool = False
) -> dict[str, int]:
    """Delete the e-mails without a case received at or before `before`; return the count
    (`inbound_mail`). With `dry_run`, only count."""
    old = InboundMessage.objects.filter(feedback__isnull=True, received_at__lte=before)
    if dry_run:
        return {"inbound_mail": old.count()}
    with transaction.atomic():
        ids = list(old.select_for_update().values_list("pk", flat=True))
        files = list(
            InboundAttachment.objects.filter(message_id__in=ids).values_list("file", flat=True)
        )
        InboundMessage.objects.filter(pk__in=ids).delete()  # cascades to the file rows
        shared = set(
            InboundAttachment.objects.filter(file__in=files).values_list("file", flat=True)
        )
        gone = sorted({name for name in files if name and name not in shared})
        storage = InboundAttachment._meta.get_field("file").storage

        def delete_files() -> None:
            for name in gone:
                storage.delete(name)

        transaction.on_commit(delete_files)
    return {"inbound_mail": len(ids)}
