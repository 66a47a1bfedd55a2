"""A large export is a job: progress shown, the file for its requester only, then expired."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from memnun.accounts.models import User
from memnun.audit.models import AuditEvent
from memnun.feedback.export_models import Export, ExportStatus
from memnun.feedback.services.exports import exports_expire
from memnun.jobs.worker import Worker
from tests.desk.helpers import signed_in
from tests.exports.files import content, csv_rows, post_export
from tests.exports.personal_cases import FROM, TO, exported_cases

pytestmark = pytest.mark.django_db

CASES = {"kind": "cases", "source": "report", "format": "csv", "start": FROM, "end": TO}


@pytest.fixture
def large(settings: Any, tmp_path: Path) -> Path:
    """Every export of more than one row is large; files go to a temporary folder."""
    settings.MEMNUN_EXPORT_SYNC_MAX_ROWS = 1
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _run_jobs() -> list[int]:
    """Run what is queued; the progress written on the way (`done` of each UPDATE)."""
    with CaptureQueriesContext(connection) as queries:
        Worker(worker_id="test", periodic={}).run(once=True)
    return [
        int(found.group(1)) for q in queries.captured_queries
        if "feedback_export" in q["sql"] and q["sql"].lstrip().upper().startswith("UPDATE")
        for found in [re.search(r'"done" = (\d+)', q["sql"])] if found
    ]


def test_a_large_export_shows_its_progress_then_its_link(demo: None, large: Path) -> None:
    exported_cases()
    quality = signed_in("quality")
    response = post_export(quality, **CASES)
    export = Export.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/desk/exports/{export.pk}/"
    assert (export.status, export.done, export.total) == (ExportStatus.QUEUED, 0, 3)
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY,
                                       task_path__endswith="export_build").count() == 1
    requested = AuditEvent.objects.get(action="export.requested")
    assert requested.actor == "quality" and requested.data["rows"] == 3
    page = quality.get(response["Location"]).content.decode()
    assert "0 of 3 rows written" in page and "hx-trigger=\"every 2s\"" in page
    assert "export-download" not in page

    progress = _run_jobs()
    assert progress == sorted(progress) and {1, 2, 3} <= set(progress)  # it moved, row by row
    export.refresh_from_db()
    assert (export.status, export.done, export.total) == (ExportStatus.DONE, 3, 3)
    assert export.expires_at == export.finished_at + timedelta(hours=24)
    block = quality.get(f"/desk/exports/{export.pk}/progress").content.decode()
    assert "hx-get" not in block  # polling stops
    assert f'href="/desk/exports/{export.pk}/file"' in block

    fetched = quality.get(f"/desk/exports/{export.pk}/file")
    assert fetched.status_code == 200
    assert 'filename="memnun-cases-report-2025-04-21-2025-04-25.csv"' in (
        fetched["Content-Disposition"])
    rows = csv_rows(content(fetched))
    assert len(rows) == 4 and rows[0][0] == "reference"
    assert AuditEvent.objects.filter(action="export.downloaded", actor="quality").count() == 1


def test_only_the_requester_and_an_administrator_fetch_it(demo: None, large: Path) -> None:
    exported_cases()
    post_export(signed_in("quality"), **CASES)
    export = Export.objects.get()
    _run_jobs()
    for path in ("", "progress", "file"):
        assert signed_in("auditor").get(f"/desk/exports/{export.pk}/{path}").status_code == 404
        assert signed_in("reviewer").get(f"/desk/exports/{export.pk}/{path}").status_code == 404
    assert signed_in("admin").get(f"/desk/exports/{export.pk}/file").status_code == 200
    assert signed_in("quality").get("/desk/exports/999999/").status_code == 404


def test_an_unfinished_export_has_no_file_yet(demo: None, large: Path) -> None:
    exported_cases()
    post_export(signed_in("quality"), **CASES)
    export = Export.objects.get()
    assert signed_in("quality").get(f"/desk/exports/{export.pk}/file").status_code == 404


def test_the_file_expires(demo: None, large: Path) -> None:
    exported_cases()
    quality = signed_in("quality")
    post_export(quality, **CASES)
    _run_jobs()
    export = Export.objects.get()
    path = large / export.file
    assert path.exists()
    assert exports_expire(now=export.expires_at - timedelta(seconds=1)) == 0
    assert exports_expire(now=export.expires_at) == 1
    export.refresh_from_db()
    assert export.status == ExportStatus.EXPIRED and not path.exists()
    assert quality.get(f"/desk/exports/{export.pk}/file").status_code == 404
    assert "has been deleted" in quality.get(f"/desk/exports/{export.pk}/").content.decode()


def test_the_job_reads_as_its_requester_when_it_runs(demo: None, large: Path) -> None:
    exported_cases()
    post_export(signed_in("reviewer"), **CASES)  # Istanbul: two cases
    User.objects.filter(username="reviewer").update(role="agent")  # no longer reads reports
    _run_jobs()
    export = Export.objects.get()
    assert export.status == ExportStatus.FAILED and not export.file
