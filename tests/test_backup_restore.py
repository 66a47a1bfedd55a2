"""`memnun backup` and `memnun restore` as an operator runs them: a backup taken while
cases keep coming in restores into a fresh database and file store with every case that
had committed before it began, their files, obligations and a verifying audit trail."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from memnun.feedback.services.intake import (
    AttachmentInput,
    CustomerInput,
    IntakeInput,
    feedback_record,
)
from tests.files import png
from tests.processes import child_env, database_url

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def cases_summary() -> dict[str, Any]:
    """Every case with its files (the bytes in the file store) and obligations; run in this
    process and, against the restored installation, in a child (`SUMMARY` below)."""
    from memnun.feedback.models import Feedback

    out: dict[str, Any] = {}
    cases = Feedback.objects.prefetch_related("attachments", "obligations").order_by("id")
    for case in cases:
        files = []
        for attachment in case.attachments.all():
            try:
                with attachment.file.open("rb") as f:
                    stored = hashlib.sha256(f.read()).hexdigest()
            except FileNotFoundError:
                stored = "missing"
            files.append([attachment.filename, attachment.sha256, stored])
        out[case.reference] = {
            "subject": case.subject,
            "status": case.status,
            "files": sorted(files),
            "obligations": sorted(
                [o.kind, o.target_key, o.due_at.isoformat(), str(o.met_at)]
                for o in case.obligations.all()
            ),
        }
    return json.loads(json.dumps(out))


SUMMARY = (
    "import json\n"
    "from tests.test_backup_restore import cases_summary\n"
    "print(json.dumps(cases_summary()))\n"
)


def memnun(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "memnun.cli", *args], cwd=ROOT, env=env, capture_output=True,
        text=True, timeout=120, check=False,
    )


def restored_summary(env: dict[str, str]) -> dict[str, Any]:
    shell = memnun("manage", "shell", "-c", SUMMARY, env=env)
    assert shell.returncode == 0, shell.stderr
    return dict(json.loads(shell.stdout.strip().splitlines()[-1]))


def record(n: int) -> None:
    from memnun.accounts.models import User

    feedback_record(
        actor=User.objects.get(username="agent"),
        data=IntakeInput(
            type="complaint", channel="phone", subject=f"yedek #{n}",
            description="Yedekleme sırasında gelen şikâyet.", privacy_notice=True,
            customer=CustomerInput(name=f"Müşteri {n}", phone="+905321234567"),
            attachments=[AttachmentInput(
                filename=f"foto-{n}.png", content_type="image/png",
                content=png((8, 6), (n % 256, (n // 256) % 256, 77)),
            )],
        ),
    )


@pytest.fixture
def source_env(tmp_path: Path, settings: Any) -> dict[str, str]:
    """The running installation: the test database, and a file store of this test's own."""
    settings.MEDIA_ROOT = tmp_path / "source" / "private"
    return child_env(MEMNUN_DATA_DIR=str(tmp_path / "source"), MEMNUN_LOG_LEVEL="WARNING")


@pytest.fixture
def fresh_env(tmp_path: Path, django_db_blocker: Any) -> Iterator[dict[str, str]]:
    """A new installation: an empty database (PostgreSQL: one of this test's own, dropped
    afterwards) and an empty data directory."""
    data = tmp_path / "restored"
    if connection.vendor == "sqlite":
        yield child_env(DATABASE_URL=f"sqlite:///{data / 'restored.sqlite3'}",
                        MEMNUN_DATA_DIR=str(data), MEMNUN_LOG_LEVEL="WARNING")
        return
    name = f"memnun_backup_restore_{connection.settings_dict['NAME']}"[:63]
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    url = database_url().rsplit("/", 1)[0] + f"/{name}"
    try:
        yield child_env(DATABASE_URL=url, MEMNUN_DATA_DIR=str(data), MEMNUN_LOG_LEVEL="WARNING")
    finally:
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_under_write_load_restores_every_committed_case(
    demo: None, tmp_path: Path, source_env: dict[str, str], fresh_env: dict[str, str]
) -> None:
    stop = threading.Event()
    errors: list[BaseException] = []
    written = [0]

    def writer(first: int) -> None:
        n = first
        try:
            while not stop.is_set():
                record(n)
                written[0] += 1
                n += 2
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(k,)) for k in (0, 1)]
    for t in threads:
        t.start()
    try:
        deadline = time.monotonic() + 30
        while written[0] < 10 and time.monotonic() < deadline and not errors:
            time.sleep(0.05)
        committed = cases_summary()  # every case committed before the backup began
        backup = memnun("backup", str(tmp_path / "backup"), env=source_env)
        during = cases_summary()
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)
        connection.close()
    assert not errors, errors
    assert backup.returncode == 0, backup.stderr
    assert "database" in backup.stderr and "files:" in backup.stderr  # progress
    assert len(committed) >= 10
    assert len(during) > len(committed), "the writers wrote nothing while the backup ran"

    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["database_vendor"] == connection.vendor
    assert manifest["migration_heads"]["feedback"]
    stored = {e["path"] for e in manifest["files"]}
    assert {f"files/attachments/{c['files'][0][1][:2]}/{c['files'][0][1]}"
            for c in committed.values()} <= stored

    restore = memnun("restore", str(tmp_path / "backup"), env=fresh_env)
    assert restore.returncode == 0, restore.stderr
    assert "Audit trail intact" in restore.stdout
    restored = restored_summary(fresh_env)

    # Every case committed before the backup began, with its files (the same bytes) and
    # obligations; cases that came in while it ran are there whole or not at all.
    assert {ref: restored.get(ref) for ref in committed} == committed
    assert set(restored) <= set(during)
    for ref, case in restored.items():
        assert case == during[ref]
        assert case["files"][0][1] == case["files"][0][2]  # the bytes match their checksum
        assert case["obligations"]


def test_a_damaged_backup_and_a_database_in_use_are_refused(
    demo: None, tmp_path: Path, source_env: dict[str, str], fresh_env: dict[str, str]
) -> None:
    record(1)
    backup_dir = tmp_path / "backup"
    assert memnun("backup", str(backup_dir), env=source_env).returncode == 0
    again = memnun("backup", str(backup_dir), env=source_env)
    assert again.returncode == 2 and "not an empty directory" in again.stderr

    # One changed byte in an attachment: refused before anything is written, the file named.
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    victim = next(e["path"] for e in manifest["files"] if e["path"].startswith("files/"))
    damaged = tmp_path / "damaged"
    subprocess.run(["cp", "-a", str(backup_dir), str(damaged)], check=True)
    content = bytearray((damaged / victim).read_bytes())
    content[-1] ^= 0xFF
    (damaged / victim).write_bytes(bytes(content))
    refused = memnun("restore", str(damaged), env=fresh_env)
    assert refused.returncode == 2
    assert victim in refused.stderr and "damaged backup" in refused.stderr
    assert not (Path(fresh_env["MEMNUN_DATA_DIR"]) / "private").exists()

    # A backup from a newer memnun (a migration this code does not know) is refused.
    newer = tmp_path / "newer"
    subprocess.run(["cp", "-a", str(backup_dir), str(newer)], check=True)
    manifest["migration_heads"]["feedback"] = "9999_from_the_future"
    (newer / "manifest.json").write_text(json.dumps(manifest))
    too_new = memnun("restore", str(newer), env=fresh_env)
    assert too_new.returncode == 2 and "feedback.9999_from_the_future" in too_new.stderr

    assert memnun("restore", str(backup_dir), env=fresh_env).returncode == 0
    # Once restored, the database is in use: a second restore needs --force.
    in_use = memnun("restore", str(backup_dir), env=fresh_env)
    assert in_use.returncode == 2 and "not empty" in in_use.stderr
    forced = memnun("restore", "--force", str(backup_dir), env=fresh_env)
    assert forced.returncode == 0, forced.stderr
    assert "Audit trail intact" in forced.stdout
    restored = restored_summary(fresh_env)
    assert restored == cases_summary()


def test_backup_without_pg_dump_says_so(
    demo: None, tmp_path: Path, source_env: dict[str, str]
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump backs up PostgreSQL only")
    result = memnun("backup", str(tmp_path / "backup"), env={**source_env, "PATH": "/nowhere"})
    assert result.returncode == 2
    assert "pg_dump was not found" in result.stderr
