"""memnun's intake statements alone: the ceiling no application code can pass (issue 14).

`python -m bench.intake_statements [--seconds S] [--connections N ...]`; compare_bench
prints the same figures beside its own.

One API intake (compare_bench's phone intake, with a staff token) is posted in process
through Django's WSGI handler on a fresh demo database (SQLite, or a throwaway PostgreSQL
database when DATABASE_URL is set), and every statement it sends is recorded with its
parameters, together with where its transactions commit. Then plain driver connections
(sqlite3; psycopg, one process per connection) replay those statements in a loop for a
measured window, each round with its own customer, reference, tracking hash and place in
the audit chain (the keys the database hands back, and the chain's head, are read back as
memnun reads them). That is the rate memnun's intake would reach if Django, django-ninja
and the domain code took no time at all; the machine's CPU per intake (every process,
from /proc/stat, the database's included) is what the database and its driver alone
cost. The replay renews only the values it knows (the customer's contacts, the reference,
the tracking hash, the keys handed back, the chain's head): should intake come to write
another unique value, the replay stops with the database's integrity error rather than
printing a wrong figure.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import multiprocessing
import os
import pickle
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.served import ROOT, manage, postgres_database

# A recorded step: ("sql", text, parameters, autocommit) or ("commit",).
Step = tuple[Any, ...]
_INSERT = re.compile(r'INSERT INTO "(\w+)" \(([^)]*)\)')
_WHERE_ID = re.compile(r'UPDATE "audit_auditevent" SET .* WHERE "audit_auditevent"."id" = ')


@dataclass
class Recording:
    vendor: str
    database: str  # SQLite file or PostgreSQL URL
    steps: list[Step]
    # The recorded intake's own values, replaced in every round.
    phone: str
    email: str
    reference: str
    tracking_code_hash: str


def _record(out: str) -> None:
    """In a subprocess with memnun's settings: post warm-up intakes, then record one."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "memnun.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.backends.utils import CursorWrapper

    from bench.api_intake_profile import _poster
    from memnun.accounts.models import User
    from memnun.accounts.tokens import token_issue
    from memnun.feedback.models import Feedback

    post = _poster(token_issue(user=User.objects.get(username="agent")).token, compare=True)
    for i in range(5):
        post(1_000_000 + i)
    steps: list[Step] = []
    execute, commit = CursorWrapper._execute, BaseDatabaseWrapper._commit

    def recorded_execute(self: Any, sql: str, params: Any, *rest: Any) -> Any:
        steps.append(("sql", sql, tuple(params or ()), self.db.get_autocommit()))
        return execute(self, sql, params, *rest)

    def recorded_commit(self: Any) -> None:
        steps.append(("commit",))
        commit(self)

    CursorWrapper._execute = recorded_execute  # type: ignore[method-assign]
    BaseDatabaseWrapper._commit = recorded_commit  # type: ignore[method-assign]
    try:
        post(2_000_000)
    finally:
        CursorWrapper._execute = execute  # type: ignore[method-assign]
        BaseDatabaseWrapper._commit = commit  # type: ignore[method-assign]
    case = Feedback.objects.select_related("customer").latest("id")
    db = settings.DATABASES["default"]
    recording = Recording(
        vendor=connection.vendor,
        database=str(db["NAME"]) if connection.vendor == "sqlite" else os.environ["DATABASE_URL"],
        steps=steps, phone=case.customer.phone, email=case.customer.email,
        reference=case.reference, tracking_code_hash=case.tracking_code_hash,
    )
    # As a plain dict: the class is __main__'s here, not the reader's.
    Path(out).write_bytes(pickle.dumps(vars(recording)))


def record(data_dir: str, database_url: str = "") -> Recording:
    """The demo loaded into the (new, empty) PostgreSQL database at `database_url`, else
    into SQLite in `data_dir`, and one intake recorded on it."""
    env = {**os.environ, "MEMNUN_DEMO": "1", "MEMNUN_DATA_DIR": data_dir,
           "MEMNUN_LOG_LEVEL": "WARNING", "DATABASE_URL": database_url}
    env.pop("MEMNUN_TESTING", None)
    if not database_url:
        env.pop("DATABASE_URL")
    manage(env, "migrate", "--no-input")
    manage(env, "load_demo")
    out = Path(data_dir) / "recording.pickle"
    subprocess.run([sys.executable, "-m", "bench.intake_statements", "--record", str(out)],
                   cwd=ROOT, env=env, check=True, stderr=subprocess.DEVNULL)
    recording = Recording(**pickle.loads(out.read_bytes()))  # noqa: S301 - our own file
    if recording.vendor == "postgresql":
        # A database in service, not one of a few demo rows: some rounds first, then its
        # statistics as autovacuum's analyze keeps them (PostgreSQL plans by them, and a
        # plan made for five customers scans the whole table for every case).
        replay(recording, seconds=2)
        import psycopg

        with psycopg.connect(recording.database, autocommit=True) as c:
            c.execute("ANALYZE")
    return recording


class _Round:
    """One replayed intake: the recorded statements with this round's own values."""

    def __init__(self, recording: Recording, tag: str, number: int) -> None:
        self.values: dict[Any, Any] = {
            recording.phone: f"+9053{number % 100_000_000:08d}",
            recording.email: f"statements-{tag}-{number}@example.com",
            recording.reference: f"S{tag}-{number}",
            recording.tracking_code_hash: hashlib.sha256(f"{tag}-{number}".encode()).hexdigest(),
        }
        self.ids: dict[str, Any] = {}
        self.head: tuple[int, str] = (0, "")

    def params(self, sql: str, params: tuple[Any, ...]) -> list[Any]:
        values = [self.values.get(p, p) if isinstance(p, str) else p for p in params]
        insert = _INSERT.match(sql)
        if insert:
            table = insert.group(1)
            columns = [c.strip().strip('"') for c in insert.group(2).split(",")]
            for at, column in enumerate(columns * (len(values) // len(columns))):
                if column in ("customer_id", "feedback_id") and column[:-3] in self.ids:
                    values[at] = self.ids[column[:-3]]
                elif table == "audit_auditevent" and values[at] is not None:
                    # Chained inline (SQLite): after this round's head.
                    if column == "seq":
                        values[at] = self.head[0] + 1
                    elif column == "prev_hash":
                        values[at] = self.head[1]
                    elif column == "hash":
                        values[at] = self.link()
        elif sql.startswith('UPDATE "audit_auditchainhead"') and self.ids.get("sealed"):
            values[0], values[1] = self.ids["sealed"]
        return values

    def link(self) -> str:
        seq, prev = self.head
        digest = hashlib.sha256(f"{seq + 1}{prev}".encode()).hexdigest()
        self.ids["sealed"] = (seq + 1, digest)
        return digest

    def returned(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        insert = _INSERT.match(sql)
        if insert and insert.group(1) in ("feedback_customer", "feedback_feedback") and rows:
            self.ids[insert.group(1).removeprefix("feedback_")] = rows[0][0]
        elif sql.startswith('SELECT "audit_auditchainhead"') and rows:
            seq, digest = rows[0][-2:]
            self.head = (int(seq), str(digest))


def _replay_sqlite(recording: Recording, tag: str, seconds: float) -> tuple[int, float]:
    conn = sqlite3.connect(recording.database, isolation_level=None, timeout=30)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON"):
        conn.execute(f"PRAGMA {pragma}")
    done = 0
    began = time.perf_counter()
    stop = began + seconds
    while time.perf_counter() < stop:
        one = _Round(recording, tag, done)
        for step in recording.steps:
            if step[0] == "commit":
                conn.execute("COMMIT")
                continue
            sql = step[1].replace("%s", "?")
            rows = conn.execute(sql, one.params(step[1], step[2])).fetchall()
            one.returned(step[1], rows)
        done += 1
    return done, time.perf_counter() - began


def _replay_postgresql(recording: Recording, tag: str, seconds: float, out: Any) -> None:
    import psycopg

    conn = psycopg.connect(recording.database)
    sealing = [s for s in recording.steps if s[0] == "sql" and _WHERE_ID.match(s[1])]
    done = 0
    stop = time.perf_counter() + seconds
    while time.perf_counter() < stop:
        one = _Round(recording, tag, done)
        for step in recording.steps:
            if step[0] == "commit":
                conn.commit()
                continue
            _, sql, params, autocommit = step
            if conn.autocommit != autocommit and conn.info.transaction_status == 0:
                conn.autocommit = autocommit
            if sealing and step is sealing[0]:
                # The sealer seals whatever waits, as many as it finds (audit/chain.py).
                seq, prev = one.head
                for (event_id, *_rest) in one.ids.get("waiting", []):
                    seq += 1
                    digest = hashlib.sha256(f"{seq}{prev}".encode()).hexdigest()
                    conn.execute(sql, (seq, prev, digest, event_id))
                    prev = digest
                one.ids["sealed"] = (seq, prev)
                continue
            if step in sealing:
                continue
            if sql.startswith('UPDATE "audit_auditchainhead"') and not one.ids.get("waiting"):
                continue
            cursor = conn.execute(sql, one.params(sql, params))
            rows = cursor.fetchall() if cursor.description else []
            one.returned(sql, rows)
            if sql.startswith('SELECT "audit_auditevent"'):
                one.ids["waiting"] = rows
        done += 1
    conn.close()
    out.put(done)


def _machine_busy() -> tuple[int, int]:
    with open("/proc/stat", encoding="ascii") as f:
        ticks = [int(v) for v in f.readline().split()[1:]]
    return sum(ticks) - ticks[3] - ticks[4], sum(ticks)


@dataclass
class Ceiling:
    connections: int
    rate: float
    machine_cpu_ms: float  # all cores' busy time per replayed intake


_replays = iter(range(1_000_000))


def replay(recording: Recording, *, connections: int = 1, seconds: float = 10) -> Ceiling:
    # Each round's reference and contacts are its own, across replays too.
    tag = f"{os.getpid()}r{next(_replays)}"
    busy0, total0 = _machine_busy()
    if recording.vendor == "sqlite":
        done, elapsed = _replay_sqlite(recording, tag, seconds)
    else:
        results: Any = multiprocessing.Queue()
        processes = [
            multiprocessing.Process(target=_replay_postgresql,
                                    args=(recording, f"{tag}c{n}", seconds, results))
            for n in range(connections)
        ]
        began = time.perf_counter()
        for p in processes:
            p.start()
        for p in processes:
            p.join(seconds + 120)
        if any(p.exitcode != 0 for p in processes):
            raise RuntimeError("a replaying connection failed (its error is printed above)")
        done = sum(results.get() for _ in processes)
        elapsed = time.perf_counter() - began
    busy1, total1 = _machine_busy()
    busy_share = (busy1 - busy0) / max(1, total1 - total0)
    cpu_seconds = busy_share * elapsed * (os.cpu_count() or 1)
    return Ceiling(connections, done / elapsed, cpu_seconds / max(1, done) * 1000)


def rows(database_url: str, *, connections: list[int], seconds: float,
         limit: float | None = None) -> list[tuple[str, str]]:
    """compare_bench's rows: the ceiling at each number of connections."""
    with contextlib.ExitStack() as throwaway:
        data_dir = throwaway.enter_context(
            tempfile.TemporaryDirectory(prefix="memnun-intake-statements-")
        )
        if database_url:
            database_url = throwaway.enter_context(
                postgres_database(database_url, f"memnun_bench_statements_{os.getpid()}")
            )
        recording = record(data_dir, database_url)
        found = [
            replay(recording, connections=n, seconds=seconds)
            for n in (connections if recording.vendor == "postgresql" else [1])
        ]
    statements = sum(1 for s in recording.steps if s[0] == "sql")
    out = []
    for c in found:
        share = f"; {c.rate / limit:.0%} of the raw limit" if limit else ""
        out.append((
            f"compare: memnun's intake statements alone ({recording.vendor}, "
            f"{statements} statements, {c.connections} connection(s), no application)",
            f"{c.rate:.0f} intakes/s; {c.machine_cpu_ms:.2f} ms machine CPU/intake{share}",
        ))
    return out


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--record":
        _record(sys.argv[2])
        return
    parser = argparse.ArgumentParser(prog="python -m bench.intake_statements")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, nargs="+", default=[1, 4, 8])
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    url = url if url.startswith("postgres") else ""
    limit = None
    if url:
        from bench.compare_bench import raw_commit_rate

        limit = raw_commit_rate(url, seconds=args.seconds)
        print(f"PostgreSQL raw limit: {limit:.0f} transactions/s")
    for label, figure in rows(url, connections=args.connections, seconds=args.seconds,
                              limit=limit):
        print(f"{label}: {figure}")


if __name__ == "__main__":
    main()
