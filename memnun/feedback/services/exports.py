"""Making exports: small ones in the request, large ones as a job with progress; audited.

Every export is audited when it is asked for (`export.made` in the request,
`export.requested` with the job): who, what (kind, format, the case list's
source), the period and the filters, and how many rows. A case list leaves
the organisation's screens for a file: that is a disclosure-relevant act, so
the trail must say who took which list. A job's file is audited again when
its requester fetches it (`export.downloaded`).

A job writes the file under MEDIA_ROOT (`exports/`, never served directly),
counting the rows written into `Export.done` about twenty times a file; the
file is kept `MEMNUN_EXPORT_KEEP_HOURS`, then `exports_expire` deletes it.
The job runs as its requester, so their scope is checked again when it runs.
The worker may run a job twice (at-least-once): a second run writes the file
again from the start.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django_tasks import task

from memnun.accounts.models import User
from memnun.accounts.roles import Role
from memnun.audit.chain import audit_record
from memnun.feedback.errors import NotFound
from memnun.feedback.export_models import Export, ExportStatus
from memnun.feedback.exports.tables import ExportSpec, Table, export_table
from memnun.feedback.exports.writers import writer_for

logger = logging.getLogger("memnun.feedback")

EXPORT_DIR = "exports"
# Progress is written about 20 times an export, at most every 500 rows.
PROGRESS_STEPS, PROGRESS_MAX_EVERY = 20, 500


@dataclass
class ExportFile:
    """A small export, written: its bytes in a temporary file (the caller closes it)."""

    name: str
    format: str
    rows: int
    stream: IO[bytes]


def _audit(*, actor: User, action: str, spec: ExportSpec, object_id: str, rows: int) -> None:
    audit_record(
        actor=actor.username, action=action, object_type="export", object_id=object_id,
        data={"kind": spec.kind, "format": spec.format, "rows": rows, **spec.params()},
    )


def _write(table: Table, spec: ExportSpec, stream: IO[bytes], progress: Any = None) -> int:
    writer = writer_for(spec.format, stream, title=table.title)
    writer.row(table.header)
    written = 0
    every = max(1, min(PROGRESS_MAX_EVERY, table.total // PROGRESS_STEPS))
    for row in table.rows:
        writer.row(row)
        written += 1
        if progress is not None and written % every == 0:
            progress(written)
    writer.close()
    return written


def export_request(*, actor: User, spec: ExportSpec) -> ExportFile | Export:
    """The file at once when it is small, else an `Export` whose job writes it.

    NotPermitted when the actor may not have these rows; FieldErrors for a bad request.
    """
    table = export_table(spec=spec, viewer=actor)
    if table.total <= settings.MEMNUN_EXPORT_SYNC_MAX_ROWS:
        stream = tempfile.TemporaryFile()  # noqa: SIM115  (handed to the response)
        rows = _write(table, spec, stream)
        stream.seek(0)
        with transaction.atomic():
            _audit(actor=actor, action="export.made", spec=spec, object_id="", rows=rows)
        return ExportFile(spec.file_name(), spec.format, rows, stream)
    with transaction.atomic():
        export = Export.objects.create(
            requested_by=actor, kind=spec.kind, format=spec.format,
            params={**spec.params(), "language": translation.get_language() or "tr"},
            total=table.total, created_at=timezone.now(),
        )
        _audit(actor=actor, action="export.requested", spec=spec, object_id=str(export.pk),
               rows=table.total)
        # In the same transaction: no job without its row, no row without its job.
        export_build.enqueue(export.pk)
    return export


def _spec(export: Export) -> ExportSpec:
    return ExportSpec.from_params(kind=export.kind, format=export.format, params=export.params)


def export_path(export: Export) -> Path:
    return Path(settings.MEDIA_ROOT) / export.file


def export_run(*, export_id: int, now: datetime | None = None) -> str:
    """Write an export's file as its requester may see the rows; the job's body."""
    export = Export.objects.select_related("requested_by").filter(pk=export_id).first()
    if export is None or export.status in (ExportStatus.DONE, ExportStatus.EXPIRED):
        return "nothing to do"
    Export.objects.filter(pk=export.pk).update(status=ExportStatus.RUNNING, done=0)
    spec = _spec(export)
    # A random name: the file is found through its row only.
    name = export.file or f"{EXPORT_DIR}/{get_random_string(24)}.{spec.format}"
    path = Path(settings.MEDIA_ROOT) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with translation.override(export.params.get("language", "tr")):
            table = export_table(spec=spec, viewer=export.requested_by)
            Export.objects.filter(pk=export.pk).update(total=table.total, file=name)
            with path.open("wb") as stream:
                rows = _write(
                    table, spec, stream,
                    lambda n: Export.objects.filter(pk=export.pk).update(done=n),
                )
    except Exception:
        path.unlink(missing_ok=True)
        Export.objects.filter(pk=export.pk).update(
            status=ExportStatus.FAILED, file="", finished_at=timezone.now()
        )
        logger.exception("export %s failed", export.pk)
        return "failed"
    finished = now or timezone.now()
    Export.objects.filter(pk=export.pk).update(
        status=ExportStatus.DONE, done=rows, total=rows, finished_at=finished,
        expires_at=finished + timedelta(hours=settings.MEMNUN_EXPORT_KEEP_HOURS),
    )
    return f"{rows} rows"


@task()
def export_build(export_id: int) -> str:
    return export_run(export_id=export_id)


def export_for_user(*, user: User, export_id: int) -> Export:
    """An export its requester (or an administrator) may follow; NotFound for anyone else."""
    export = Export.objects.filter(pk=export_id).first()
    if export is None or not (export.requested_by_id == user.pk or user.role == Role.ADMIN):
        raise NotFound(_("No such export."))
    return export


def export_download(*, user: User, export_id: int) -> tuple[Export, Path]:
    """A finished export's file for its requester (or an administrator), the fetch audited.

    NotFound for another user, an unfinished export or one whose file has expired.
    """
    export = export_for_user(user=user, export_id=export_id)
    path = export_path(export)
    if export.status != ExportStatus.DONE or not export.file or not path.exists():
        raise NotFound(_("This export is not ready, or its file has expired."))
    with transaction.atomic():
        _audit(actor=user, action="export.downloaded", spec=_spec(export),
               object_id=str(export.pk), rows=export.done)
    return export, path


def exports_expire(*, now: datetime) -> int:
    """Delete the files of the exports past their time; how many expired."""
    count = 0
    for export in Export.objects.filter(status=ExportStatus.DONE, expires_at__lte=now):
        if export.file:
            export_path(export).unlink(missing_ok=True)
        count += Export.objects.filter(pk=export.pk, status=ExportStatus.DONE).update(
            status=ExportStatus.EXPIRED, file=""
        )
    return count
