"""How much feedback has been recorded through each channel, for operations (metrics)."""

from __future__ import annotations

from django.db.models import Count

from memnun.feedback.codes import Channel
from memnun.feedback.models import Feedback


def intake_counts_by_channel() -> dict[str, int]:
    """Every feedback ever recorded, by channel (every channel listed, 0 when none).

    Counted from the feedback rows rather than in the process that recorded them: web
    intakes come through several gunicorn processes, e-mail ones through the job worker
    (the IMAP poll) and `memnun mailgate`, possibly on other hosts, and the rows are
    never deleted (erasure anonymises them), so the count only grows and is the same
    whichever process is asked, and across restarts.
    """
    counts = dict.fromkeys([str(c) for c in Channel], 0)
    # COUNT(*), not of a column: both databases then read the `feedback_channel` index alone.
    counts.update(
        Feedback.objects.values_list("channel").annotate(n=Count("*")).order_by()
    )
    return counts
