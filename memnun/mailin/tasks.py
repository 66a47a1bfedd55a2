"""The IMAP poll as a periodic job, when a mailbox is configured."""

from __future__ import annotations

from django.conf import settings
from django_tasks import task

from memnun.jobs.schedule import every
from memnun.mailin.imap import imap_poll


@task()
def poll_mailbox() -> dict[str, int]:
    report = imap_poll()
    return {"fetched": report.fetched, "duplicates": report.duplicates,
            "failed": report.failed, **report.by_status}


if settings.MEMNUN_IMAP_HOST:  # no mailbox, no job
    every(seconds=settings.MEMNUN_IMAP_POLL_SECONDS, name="mailin.poll")(poll_mailbox)
