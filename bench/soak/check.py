"""After the soak: what the database and the sink hold, against what the clients were told.

Run in its own process with the served app's environment:
`python -m bench.soak.check IN.json OUT.json` (IN: the run tag, the references answered 201,
the sink's Message-ID counts). Answers, as JSON: lost, half-written, duplicates, stuck,
the audit chain's verdict.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path


def check(
    run: str, references: set[str], sink_ids: Counter[str], held: list[dict[str, object]]
) -> dict[str, object]:
    import django

    django.setup()
    from django.db.models import Count
    from django.utils import timezone
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from memnun.audit.chain import audit_verify
    from memnun.audit.models import AuditEvent
    from memnun.feedback.models import Feedback, StageChange
    from memnun.notifications.models import OutboundMessage

    soak = Feedback.objects.filter(subject__startswith=f"Soak {run} #")
    rows = dict(soak.values_list("reference", "pk"))
    by_subject = soak.values("subject").annotate(n=Count("id")).filter(n__gt=1)
    created = set(AuditEvent.objects.filter(
        action="feedback.created", object_id__in=list(rows)).values_list("object_id", flat=True))
    first_stage = set(StageChange.objects.filter(
        feedback__in=soak, status="created").values_list("feedback_id", flat=True))
    with_obligations = set(soak.filter(obligations__isnull=False).values_list("pk", flat=True))
    acks = OutboundMessage.objects.filter(
        source_type="feedback", source_id__in=[str(pk) for pk in rows.values()],
        kind="acknowledgement",
    )
    ack_sources = set(acks.values_list("source_id", flat=True))
    half = {
        "without first stage": sum(pk not in first_stage for pk in rows.values()),
        "without obligations": sum(pk not in with_obligations for pk in rows.values()),
        "without audit event": sum(ref not in created for ref in rows),
        "without queued acknowledgement": sum(str(pk) not in ack_sources for pk in rows.values()),
    }
    expected = set(acks.values_list("message_id", flat=True))
    delivered = set(sink_ids)
    now = timezone.now()
    stuck_tasks = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).count() + (
        DBTaskResult.objects.filter(status=TaskResultStatus.READY,
                                    enqueued_at__lt=now - timedelta(minutes=2))
        .exclude(run_after__gt=now).count()
    )
    # Recovery: from each job-worker kill to the last of the messages it held going out.
    taken_over = []
    for kill in held:
        sent = list(OutboundMessage.objects.filter(pk__in=kill["ids"])  # type: ignore[misc]
                    .values_list("sent_at", flat=True))
        if sent and all(sent):
            last = max(at.timestamp() for at in sent if at is not None)
            taken_over.append(last - float(kill["at"]))  # type: ignore[arg-type]
    report = audit_verify()
    return {
        "held_messages_out_after_kill_s": [round(t, 1) for t in taken_over],
        "answered_201": len(references),
        "feedback_rows": len(rows),
        "lost": sorted(references - set(rows))[:20],
        "lost_count": len(references - set(rows)),
        "recorded_without_201": len(set(rows) - references),
        "same_intake_twice": by_subject.count(),
        "half_written": half,
        "acks_queued": len(expected),
        "acks_by_status": dict(Counter(acks.values_list("status", flat=True))),
        "acks_missing_at_sink": len(expected - delivered),
        "duplicates_at_sink": sum(n - 1 for mid, n in sink_ids.items() if mid in expected),
        "stuck_tasks": stuck_tasks,
        "audit_ok": report.ok,
        "audit_summary": report.summary,
    }


def main() -> int:
    source, target = Path(sys.argv[1]), Path(sys.argv[2])
    data = json.loads(source.read_text())
    result = check(data["run"], set(data["references"]), Counter(data["sink_ids"]),
                   data.get("held", []))
    target.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
