"""`memnun backup DIR` and `memnun restore DIR` (docs/operations.md, "Backups and restore").

A backup is a directory: the database (SQLite through its online backup API, PostgreSQL
through `pg_dump --format=custom`), the file store (`MEDIA_ROOT`: attachments, exports,
review packs) under `files/`, and `manifest.json` with every file's size and SHA-256. The
database is copied first and the files after it: the files a copied row names were
written before its transaction committed, so they are there when the tree is copied.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from memnun.audit.chain import audit_verify

MANIFEST = "manifest.json"
FILES = "files"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
_CHUNK = 1024 * 1024


class BackupRefused(Exception):
    """The operator's request cannot be done as asked (exit 2); the message says why."""


@dataclass(frozen=True)
class RestoreResult:
    audit_ok: bool
    audit_message: str
    migrations_behind: list[str]


def _progress(message: str) -> None:
    print(f"memnun: {message}", file=sys.stderr, flush=True)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _vendor() -> str:
    return str(connection.vendor)


def _migration_heads() -> dict[str, str]:
    """The newest applied migration of each app (the leaves of the applied graph)."""
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    applied = set(loader.applied_migrations)
    heads: dict[str, str] = {}
    for app, name in sorted(applied):
        children = loader.graph.node_map[(app, name)].children if (app, name) in (
            loader.graph.node_map) else set()
        if not any(child.key in applied and child.key[0] == app for child in children):
            heads[app] = name
    return heads


def _app_version() -> str:
    try:
        return metadata.version("memnun")
    except metadata.PackageNotFoundError:
        return "unknown"


def _pg_args() -> tuple[list[str], dict[str, str]]:
    """Connection options for pg_dump and pg_restore, from DATABASE_URL (the password in the
    environment, never on the command line)."""
    db = connection.settings_dict
    args = ["--dbname", str(db["NAME"])]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupRefused(
            f"{name} was not found on PATH; install the PostgreSQL client tools of the"
            " server's version (Debian: apt-get install postgresql-client)"
        )
    return path


def _sqlite_path() -> Path:
    return Path(str(connection.settings_dict["NAME"]))


def _database_backup(target: Path) -> None:
    if _vendor() == "sqlite":
        # One step: a read transaction sees one committed state while the app goes on
        # writing (WAL); copying in steps would start over at every write.
        source = sqlite3.connect(_sqlite_path(), timeout=30)
        destination = sqlite3.connect(target)
        try:
            with destination:
                source.backup(destination)
        finally:
            destination.close()
            source.close()
        return
    args, env = _pg_args()
    result = subprocess.run(
        [_pg_tool("pg_dump"), "--format=custom", "--file", str(target), *args],
        env=env, capture_output=True, text=True, check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"pg_dump failed: {result.stderr.strip()}")


def _tree_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def backup_write(target: Path) -> dict[str, Any]:
    """Write a backup into `target` (new or empty); return its manifest."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupRefused(f"{target} is not an empty directory; a backup goes into a new one")
    target.mkdir(parents=True, exist_ok=True)
    vendor = _vendor()
    if vendor not in DATABASE_FILES:
        raise BackupRefused(f"cannot back up a {vendor} database")
    created_at = timezone.now()
    database = target / DATABASE_FILES[vendor]
    _progress(f"database ({vendor}) → {database.name} …")
    _database_backup(database)
    _progress(f"database copied: {database.stat().st_size / 1e6:.1f} MB")
    heads = _migration_heads()

    media = Path(settings.MEDIA_ROOT)
    files = target / FILES
    files.mkdir()
    sources = _tree_files(media) if media.is_dir() else []
    for i, source in enumerate(sources, 1):
        copy = files / source.relative_to(media)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, copy)
        if i % 200 == 0 or i == len(sources):
            _progress(f"files: {i}/{len(sources)}")

    entries: list[dict[str, Any]] = [
        {"path": p.relative_to(target).as_posix(), "size": p.stat().st_size, "sha256": _sha256(p)}
        for p in [database, *_tree_files(files)]
    ]
    manifest = {
        "format": 1,
        "created_at": created_at.isoformat(),
        "database_vendor": vendor,
        "app_version": _app_version(),
        "migration_heads": heads,
        "files": entries,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    total = sum(int(e["size"]) for e in entries)
    _progress(f"backup written to {target}: {len(entries)} files, {total / 1e6:.1f} MB")
    return manifest


def backup_check(source: Path) -> dict[str, Any]:
    """The backup's manifest, once every file it lists is there with its size and checksum."""
    try:
        manifest: dict[str, Any] = json.loads((source / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupRefused(f"{source / MANIFEST} is missing; not a memnun backup") from None
    except ValueError:
        raise BackupRefused(f"{source / MANIFEST} is damaged (not JSON)") from None
    entries = manifest.get("files", [])
    for i, entry in enumerate(entries, 1):
        path = source / entry["path"]
        if not path.is_file():
            raise BackupRefused(f"damaged backup: {entry['path']} is missing")
        if path.stat().st_size != entry["size"] or _sha256(path) != entry["sha256"]:
            raise BackupRefused(f"damaged backup: {entry['path']} does not match its checksum")
        if i % 200 == 0 or i == len(entries):
            _progress(f"checked: {i}/{len(entries)}")
    listed = {entry["path"] for entry in entries}
    for path in _tree_files(source / FILES) if (source / FILES).is_dir() else []:
        if path.relative_to(source).as_posix() not in listed:
            name = path.relative_to(source)
            raise BackupRefused(f"damaged backup: {name} is not in the manifest")
    return manifest


def _database_empty() -> bool:
    if _vendor() == "sqlite" and not _sqlite_path().exists():
        return True
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def _database_restore(source: Path) -> None:
    connection.close()
    if _vendor() == "sqlite":
        path = _sqlite_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        with (
            tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as tmp,
            source.open("rb") as f,
        ):
            shutil.copyfileobj(f, tmp, _CHUNK)
        # A log left by the database being replaced would be replayed onto the copy.
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.replace(tmp.name, path)
        return
    args, env = _pg_args()
    result = subprocess.run(
        [_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--exit-on-error",
         "--single-transaction", *args, str(source)],
        env=env, capture_output=True, text=True, check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"pg_restore failed: {result.stderr.strip()}")


def _files_restore(source: Path) -> None:
    media = Path(settings.MEDIA_ROOT)
    if media.exists():
        shutil.rmtree(media)
    media.parent.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        shutil.copytree(source, media)
    else:
        media.mkdir()


def restore(source: Path, *, force: bool) -> RestoreResult:
    """Restore the backup in `source` into this installation's database and file store."""
    if not source.is_dir():
        raise BackupRefused(f"{source} is not a directory")
    _progress(f"checking {source} …")
    manifest = backup_check(source)
    vendor = _vendor()
    if manifest.get("database_vendor") != vendor:
        raise BackupRefused(
            f"the backup holds a {manifest.get('database_vendor')} database; DATABASE_URL"
            f" names a {vendor} one"
        )
    loader = MigrationLoader(None, ignore_no_migrations=True)  # the code's, not the database's
    unknown = sorted(
        f"{app}.{name}" for app, name in manifest.get("migration_heads", {}).items()
        if (app, name) not in loader.graph.nodes
    )
    if unknown:
        raise BackupRefused(
            "the backup was made by a newer memnun (migrations unknown here: "
            + ", ".join(unknown) + "); restore it with that version or later"
        )
    media = Path(settings.MEDIA_ROOT)
    if not force:
        if not _database_empty():
            raise BackupRefused(
                "the database is not empty; restore into a new one, or give --force to"
                " replace it (stop the server and the worker first)"
            )
        if media.is_dir() and _tree_files(media):
            raise BackupRefused(f"the file store {media} is not empty; give --force to replace it")
    _progress("restoring the database …")
    _database_restore(source / DATABASE_FILES[vendor])
    _progress(f"restoring the files into {media} …")
    _files_restore(source / FILES)
    connection.close()
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    behind = sorted(
        f"{app}.{name}" for app, name in loader.graph.leaf_nodes()
        if (app, name) not in loader.applied_migrations
    )
    report = audit_verify()
    return RestoreResult(report.ok, report.summary, behind)
