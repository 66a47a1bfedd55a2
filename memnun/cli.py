"""The `memnun` command for operators."""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path

# The files prometheus-client writes in multiprocess mode: kind[_mode]_<pid>.db.
_METRICS_FILE = re.compile(r"(counter|gauge_[a-z]+|histogram|summary)_\d+\.db")


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "memnun.settings")
    import django

    django.setup()


def _manage(*args: str) -> int:
    _django()
    from django.core.management import call_command

    try:
        call_command(*args)
    except Exception as exc:  # CommandError and friends: a message and an exit code
        print(f"memnun: {exc}", file=sys.stderr)
        return int(getattr(exc, "returncode", 1) or 1)  # a CommandError may say which
    return 0


def _init(*, demo: bool) -> int:
    """Write the installation's settings file once; the server and every command read it."""
    from memnun.env import settings_file, settings_file_create

    path = settings_file()
    if settings_file_create(path=path, demo=demo):
        print(f"memnun: wrote {path} with a new SECRET_KEY" + (" (demo)" if demo else ""))
    else:
        print(f"memnun: keeping {path}")
    return 0


def _gunicorn_argv(port: int, workers: int) -> list[str]:
    return [
        sys.executable, "-m", "gunicorn", "memnun.wsgi:application",
        "--config", "python:memnun.gunicorn_conf",
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers),
        "--access-logfile", "-",
        "--graceful-timeout", "10",
        "--forwarded-allow-ips", "127.0.0.1",
    ]


def _metrics_dir_prepare() -> Path:
    """The directory where each web process writes its metrics for `/metrics` to add up
    (Prometheus multiprocess mode): `$PROMETHEUS_MULTIPROC_DIR`, by default `metrics/` in
    the data directory. Emptied of an earlier run's samples, which would otherwise be
    counted again; set for this process, so that every child inherits it."""
    from memnun.env import data_dir

    path = Path(os.environ.get("PROMETHEUS_MULTIPROC_DIR") or data_dir() / "metrics")
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.iterdir():
        if _METRICS_FILE.fullmatch(stale.name):
            stale.unlink(missing_ok=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(path)
    return path


def _serve(port: int, workers: int) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "memnun.settings")
    _metrics_dir_prepare()
    os.execv(sys.executable, _gunicorn_argv(port, workers))  # noqa: S606


def _run(port: int, workers: int) -> int:
    """Web server and background worker together, each restarted if it dies; Ctrl-C stops both."""
    from memnun.supervisor import Supervisor

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "memnun.settings")
    _metrics_dir_prepare()
    supervisor = Supervisor({
        "web server (gunicorn)": _gunicorn_argv(port, workers),
        "job worker": [sys.executable, "-m", "memnun.cli", "worker"],
    })
    print(f"memnun is serving on http://127.0.0.1:{port}/ (Ctrl-C stops it)", flush=True)
    return supervisor.run()


def _privacy(args: argparse.Namespace) -> int:
    """`memnun privacy <command>`: each maps to the management command privacy_<command>."""
    if args.privacy_command == "inventory":
        extra = ["--language", args.language] if args.language else []
        return _manage("privacy_inventory", "--out", args.out, *extra)
    if args.privacy_command == "destroy":
        options = ["--dry-run"] if args.dry_run else []
        return _manage("privacy_destroy", *options, *(["--now", args.now] if args.now else []))
    return 2


def _backup(args: argparse.Namespace) -> int:
    """`memnun backup DIR` and `memnun restore DIR [--force]` (memnun/backup.py)."""
    _django()
    from memnun.backup import BackupRefused, backup_write, restore

    try:
        if args.command == "backup":
            backup_write(Path(args.dir))
            return 0
        result = restore(Path(args.dir), force=args.force)
    except BackupRefused as exc:
        print(f"memnun: {exc}", file=sys.stderr)
        return 2
    print(result.audit_message)
    if result.migrations_behind:
        print("memnun: the backup predates these migrations; run `memnun migrate`: "
              + ", ".join(result.migrations_behind))
    return 0 if result.audit_ok else 1


def web_workers_default() -> int:
    """gunicorn's sync workers unless told (MEMNUN_WEB_WORKERS, --workers), at least two,
    at most eight: one per core on SQLite, two per core on PostgreSQL. Measured on two
    cores at 8 concurrent intakes (BENCHMARKS.md, "gunicorn workers" and "ninth
    session"): on SQLite, whose writers take turns, a third worker only waited (p99
    doubled, throughput fell); on PostgreSQL a worker waits on the network for every
    statement while another uses the core: 2, 3, 4 and 6 workers took 107-114, 122,
    130-131 and 112 intakes/s, p99 117-123, 89, 81-85 and 120 ms."""
    from memnun.env import setting_peek

    configured = os.environ.get("MEMNUN_WEB_WORKERS")
    if configured:
        return int(configured)
    per_core = 2 if (setting_peek("DATABASE_URL") or "").startswith("postgres") else 1
    return max(2, min((os.cpu_count() or 2) * per_core, 8))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="memnun", description="memnun operator commands")
    sub = parser.add_subparsers(dest="command", required=True)
    port_default = int(os.environ.get("PORT", "8000"))
    workers_default = web_workers_default()
    for name, text in (("serve", "serve the web app and API"), ("run", "serve and run the worker")):
        p = sub.add_parser(name, help=text)
        p.add_argument("--port", type=int, default=port_default)
        p.add_argument("--workers", type=int, default=workers_default)
    init = sub.add_parser(
        "init", help="write this installation's settings file (a new SECRET_KEY) unless it exists"
    )
    init.add_argument("--demo", action="store_true", help="also allow the demo data")
    w = sub.add_parser("worker", help="run the background worker")
    w.add_argument("--once", action="store_true", help="run what is due, then stop")
    sub.add_parser("migrate", help="apply database migrations")
    sub.add_parser("demo", help="load the demo configuration and users (MEMNUN_DEMO=1)")
    sub.add_parser("mailgate", help="record one e-mail read from standard input (for the MTA)")
    audit = sub.add_parser("audit", help="audit trail")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    audit_sub.add_parser("verify", help="verify the hash chain")
    pack = sub.add_parser(
        "review-pack", help="write a period's management review pack (PDF and XLSX)"
    )
    pack.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
    pack.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")
    pack.add_argument("--lang", required=True, help="tr or en")
    pack.add_argument("--out", required=True, help="the directory to write both files into")
    # Personal data (KVKK): one subcommand per operation, each a management command.
    privacy = sub.add_parser("privacy", help="personal data (KVKK)")
    privacy_sub = privacy.add_subparsers(dest="privacy_command", required=True)
    inventory = privacy_sub.add_parser(
        "inventory", help="write the processing inventory (VERBIS) and processors as XLSX"
    )
    inventory.add_argument("--out", required=True, help="the .xlsx file to write")
    inventory.add_argument("--language", choices=["tr", "en"], help="default: the site's")
    destroy = privacy_sub.add_parser(
        "destroy", help="destroy the personal data whose retention period has passed, now"
    )
    destroy.add_argument(
        "--dry-run", action="store_true", help="count what would go; change nothing"
    )
    destroy.add_argument("--now", help="as of this ISO 8601 time (default: now)")
    backup = sub.add_parser(
        "backup", help="write the database, the attachment files and a manifest into DIR"
    )
    backup.add_argument("dir", metavar="DIR", help="a new or empty directory")
    restore = sub.add_parser(
        "restore", help="restore a backup from DIR into DATABASE_URL and the file store"
    )
    restore.add_argument("dir", metavar="DIR", help="a directory written by `memnun backup`")
    restore.add_argument(
        "--force", action="store_true", help="replace a database and files that are not empty"
    )
    manage = sub.add_parser("manage", help="run a Django management command")
    manage.add_argument("args", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)

    if args.command == "init":
        return _init(demo=args.demo)
    if args.command == "serve":
        return _serve(args.port, args.workers)
    if args.command == "run":
        return _run(args.port, args.workers)
    if args.command == "worker":
        return _manage("memnun_worker", *(["--once"] if args.once else []))
    if args.command == "migrate":
        return _manage("migrate", "--no-input", "-v", "1")
    if args.command == "demo":
        return _manage("load_demo")
    if args.command == "mailgate":
        return _manage("mailgate")
    if args.command == "audit":
        return _manage("audit_verify")
    if args.command == "review-pack":
        return _manage("review_pack", "--from", args.start, "--to", args.end,
                       "--lang", args.lang, "--out", args.out)
    if args.command == "privacy":
        return _privacy(args)
    if args.command in ("backup", "restore"):
        return _backup(args)
    if args.command == "manage":
        _django()
        from django.core.management import execute_from_command_line

        execute_from_command_line(["memnun", *args.args])
        return 0
    parser.error("unknown command")
    return 2


if __name__ == "__main__":
    sys.exit(main())
