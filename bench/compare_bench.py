"""`bench --only compare`: memnun's intake against django-helpdesk's, side by side, in one run.

The same load generator posts to both, one after the other on the same machine: C
concurrent keep-alive clients (default 8) post for a warm-up, then for a measured
window (default 15 s). Each system is served the way its users would serve it:

* memnun: what `make run` runs — gunicorn and the job worker under memnun's supervisor,
  SQLite (or PostgreSQL with DATABASE_URL), acknowledgements e-mailed to an aiosmtpd
  sink; `POST /api/v1/feedback` with a staff token;
* django-helpdesk 2.6.1 in its own throwaway virtualenv, gunicorn with two workers,
  SQLite; `POST /api/tickets/` with session authentication (bench/peer_helpdesk.py).

Server CPU per case is the CPU time (user + system) of the served process tree from the
start of the measured window until the processes are idle again (so memnun's worker
finishing the window's jobs and messages is counted), divided by the cases created in the
window. The load generator's own CPU is not counted. Beside them, the ceiling: memnun's
own intake statements replayed by plain driver connections, with no application code
(bench/intake_statements.py). A phone intake is acknowledged on
the call, so memnun queues no acknowledgement message for it; the sink takes whatever
else the worker sends.

Run alone: `python -m bench.compare_bench [--seconds 15] [--clients 8]`.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiosmtpd.controller import Controller

from bench import intake_statements
from bench.http_bench import intake_payload, threads_run
from bench.http_floor import served_floor
from bench.peer_helpdesk import served_peer
from bench.served import free_port, postgres_database, served
from memnun.cli import web_workers_default

_TICK = os.sysconf("SC_CLK_TCK")


def _cpu_ticks() -> dict[int, tuple[int, int]]:
    """pid -> (parent pid, user + system ticks) of every process, read from /proc."""
    stats: dict[int, tuple[int, int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        # After the command: state ppid pgrp ...; utime and stime are the 12th and 13th.
        stats[int(entry)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    return stats


def _tree(root: int, stats: dict[int, tuple[int, int]]) -> list[int]:
    """The root and all its live descendants. memnun's supervisor starts each child in a
    process group of its own, so the tree is followed by parent id rather than by group."""
    children: dict[int, list[int]] = {}
    for pid, (parent, _) in stats.items():
        children.setdefault(parent, []).append(pid)
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def tree_cpu_seconds(root: int) -> float:
    """User + system CPU of a process and all its live descendants."""
    stats = _cpu_ticks()
    return sum(stats.get(pid, (0, 0))[1] for pid in _tree(root, stats)) / _TICK


def _command(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _role(pid: int, stats: dict[int, tuple[int, int]]) -> str:
    """What a served process is, for the CPU split: where the time per case goes."""
    command = _command(pid)
    if "gunicorn" in command:
        parent = stats.get(pid, (0, 0))[0]
        return "web workers" if "gunicorn" in _command(parent) else "gunicorn master"
    if "memnun.cli worker" in command:
        return "job worker"
    if "memnun.cli run" in command:
        return "supervisor"
    return "other"


def tree_cpu_by_role(root: int) -> dict[str, float]:
    """tree_cpu_seconds split by what each process is (web workers, job worker, ...)."""
    stats = _cpu_ticks()
    roles: dict[str, float] = {}
    for pid in _tree(root, stats):
        role = _role(pid, stats)
        roles[role] = roles.get(role, 0.0) + stats.get(pid, (0, 0))[1] / _TICK
    return roles


@dataclass
class Result:
    system: str
    created: int
    seconds: float
    latencies: list[float]
    errors: int
    cpu_by_role: dict[str, float]

    @property
    def cpu_seconds(self) -> float:
        return sum(self.cpu_by_role.values())

    @property
    def rate(self) -> float:
        return self.created / self.seconds

    @property
    def cpu_ms_per_case(self) -> float:
        return self.cpu_seconds * 1000 / max(self.created, 1)

    def cpu_split(self) -> str:
        """CPU per case by process role, largest first: '3.1 web workers, 1.9 job worker'."""
        parts = sorted(self.cpu_by_role.items(), key=lambda item: -item[1])
        return ", ".join(f"{seconds * 1000 / max(self.created, 1):.2f} {role}"
                         for role, seconds in parts if seconds > 0)

    def percentiles(self) -> str:
        q = statistics.quantiles(sorted(self.latencies), n=100, method="inclusive")
        return f"{q[49] * 1000:.0f} / {q[94] * 1000:.0f} / {q[98] * 1000:.0f}"


def _measure(
    system: str, url: str, root: int, *, path: str, headers: dict[str, str],
    body: Callable[[int], str], clients: int, seconds: float, warmup: float,
) -> Result:
    """POST `body(i)` to `url` + `path` from keep-alive clients: a warm-up, then the
    measured window. The CPU of the served tree (from `root`) is counted from the window's
    start until the processes are idle again, so that what they do afterwards for the
    window's requests (memnun's worker: messages, obligations) is part of each one's cost."""
    host, port = url.removeprefix("http://").split(":")

    def post(conn: http.client.HTTPConnection, i: int) -> int:
        conn.request("POST", path, body(i), headers)
        response = conn.getresponse()
        response.read()
        return response.status

    _drive(host, int(port), clients=clients, seconds=warmup, post=post)
    _settle(root)
    before = tree_cpu_by_role(root)
    created, elapsed, latencies, errors = _drive(
        host, int(port), clients=clients, seconds=seconds, post=post
    )
    _settle(root)
    return Result(system, created, elapsed, latencies, errors,
                  _minus(tree_cpu_by_role(root), before))


def _drive(
    host: str,
    port: int,
    *,
    clients: int,
    seconds: float,
    post: Callable[[http.client.HTTPConnection, int], int],
) -> tuple[int, float, list[float], int]:
    """Post from `clients` keep-alive connections until `seconds` have passed."""
    latencies: list[float] = []
    created = errors = 0
    lock = threading.Lock()
    counter = iter(range(10**9))
    stop_at = time.perf_counter() + seconds

    def client() -> None:
        nonlocal created, errors
        conn = http.client.HTTPConnection(host, port, timeout=60)
        while time.perf_counter() < stop_at:
            with lock:
                i = next(counter)
            began = time.perf_counter()
            try:
                status = post(conn, i)
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=60)
                status = 599
            elapsed = time.perf_counter() - began
            with lock:
                latencies.append(elapsed)
                if status == 201:
                    created += 1
                else:
                    errors += 1
        conn.close()

    elapsed = threads_run(client, clients)
    return created, elapsed, latencies, errors


class _Sink:
    def __init__(self) -> None:
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.count += 1
        return "250 OK"


# What `make run` starts (`memnun run`, MEMNUN_WEB_WORKERS unset): one per core on SQLite,
# two on PostgreSQL, 2 to 8.
MEMNUN_WORKERS = web_workers_default()


def run_memnun(
    *, clients: int, seconds: float, warmup: float, workers: int = MEMNUN_WORKERS,
) -> Result:
    sink = _Sink()
    smtp_port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        extra = {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp_port)}
        with served(workers=workers, extra_env=extra, supervised=True) as app:
            return _measure(
                f"memnun ({app.database}, {workers} web workers)", app.url, app.pid,
                path="/api/v1/feedback",
                headers={"Authorization": f"Bearer {app.token()}",
                         "Content-Type": "application/json"},
                body=lambda i: json.dumps(intake_payload(i, email=True)),
                clients=clients, seconds=seconds, warmup=warmup,
            )
    finally:
        controller.stop()


def run_helpdesk(*, clients: int, seconds: float, warmup: float) -> Result:
    with served_peer(port=free_port()) as peer:
        return _measure(
            "django-helpdesk 2.6.1 (sqlite)", peer.url, peer.pid, path="/api/tickets/",
            headers={
                "Content-Type": "application/json",
                "Cookie": peer.cookie,
                "X-CSRFToken": peer.csrf,
                "Referer": f"{peer.url}/",
            },
            body=lambda i: json.dumps({
                "queue": peer.queue_id,
                "title": f"Ekran değişimi gecikti #{i}",
                "description": "Telefonum üç haftadır serviste.",
                "submitter_email": f"isil.{i}@example.com",
                "priority": 3,
            }),
            clients=clients, seconds=seconds, warmup=warmup,
        )


def run_floor(*, clients: int, seconds: float, warmup: float, workers: int) -> Result:
    """gunicorn as memnun is served, answering at once: the HTTP cost per request."""
    with served_floor(port=free_port(), workers=workers) as floor:
        body = json.dumps(intake_payload(0, email=True))
        return _measure(
            f"HTTP floor (gunicorn, {workers} sync workers, no work)", floor.url, floor.pid,
            path="/api/v1/feedback", headers={"Content-Type": "application/json"},
            body=lambda i: body, clients=clients, seconds=seconds, warmup=warmup,
        )


def _minus(after: dict[str, float], before: dict[str, float]) -> dict[str, float]:
    """CPU used between two splits. A process that died in between loses its time (the
    served trees restart none during a window)."""
    return {role: max(seconds - before.get(role, 0.0), 0.0) for role, seconds in after.items()}


def _settle(root: int, *, idle: float = 0.05, timeout: float = 300) -> None:
    """Wait until the served processes use less than `idle` CPU seconds per second."""
    deadline = time.monotonic() + timeout
    last = tree_cpu_seconds(root)
    while time.monotonic() < deadline:
        time.sleep(1)
        now = tree_cpu_seconds(root)
        if now - last < idle:
            return
        last = now
    raise RuntimeError("the served processes did not become idle")


def raw_commit_rate(url: str, *, seconds: float) -> float:
    """The database's limit for one connection: transactions per second, each one
    case-like row plus one history row, committed (synchronous_commit left as it is)."""
    import psycopg

    with (
        postgres_database(url, f"memnun_bench_raw_{os.getpid()}") as raw_url,
        psycopg.connect(raw_url) as conn,
    ):
        conn.execute(
            "CREATE TABLE bench_case (id bigserial PRIMARY KEY, reference text UNIQUE,"
            " subject text, description text, office_id int, status text,"
            " received_at timestamptz, next_due_at timestamptz)"
        )
        conn.execute(
            "CREATE TABLE bench_history (id bigserial PRIMARY KEY, case_id bigint"
            " REFERENCES bench_case, status text, at timestamptz)"
        )
        conn.commit()
        done = 0
        stop_at = time.perf_counter() + seconds
        began = time.perf_counter()
        while time.perf_counter() < stop_at:
            row = conn.execute(
                "INSERT INTO bench_case (reference, subject, description, office_id, status,"
                " received_at, next_due_at) VALUES (%s, %s, %s, 1, 'created', now(),"
                " now() + interval '1 day') RETURNING id",
                (f"26-{done:06d}", "Ekran değişimi gecikti", "Telefonum üç haftadır serviste."),
            ).fetchone()
            assert row is not None
            conn.execute(
                "INSERT INTO bench_history (case_id, status, at) VALUES (%s, 'created', now())",
                (row[0],),
            )
            conn.commit()
            done += 1
        return done / (time.perf_counter() - began)


def run(
    *, clients: int = 8, seconds: float = 15, warmup: float = 3, workers: int = MEMNUN_WORKERS,
) -> list[tuple[str, str]]:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        return _run_postgresql(url, clients=clients, seconds=seconds, warmup=warmup,
                               workers=workers)
    results = [
        run_helpdesk(clients=clients, seconds=seconds, warmup=warmup),
        run_memnun(clients=clients, seconds=seconds, warmup=warmup, workers=workers),
        run_floor(clients=clients, seconds=seconds, warmup=warmup, workers=workers),
    ]
    peer, ours, floor = results
    rows = [
        (
            f"compare intake, {r.system}, c={clients}, {seconds:.0f} s",
            f"{r.rate:.0f} cases/s; p50/p95/p99 {r.percentiles()} ms; "
            f"{r.cpu_ms_per_case:.1f} ms server CPU/case ({r.cpu_split()}); {r.errors} errors",
        )
        for r in results
    ]
    rows.append(
        (
            "compare: memnun ÷ django-helpdesk",
            f"{ours.rate / peer.rate:.2f}× throughput; "
            f"{ours.cpu_ms_per_case / peer.cpu_ms_per_case:.2f}× CPU per case",
        )
    )
    # What memnun's own statements cost with no application at all (bench/intake_statements.py).
    rows += intake_statements.rows("", connections=[1], seconds=seconds)
    rows.append(
        (
            "compare: memnun's CPU per case above the HTTP floor",
            f"{ours.cpu_ms_per_case - floor.cpu_ms_per_case:.1f} ms "
            f"({floor.cpu_ms_per_case / ours.cpu_ms_per_case:.0%} of it is the floor's)",
        )
    )
    return rows


def _run_postgresql(
    url: str, *, clients: int, seconds: float, warmup: float, workers: int,
) -> list[tuple[str, str]]:
    """On PostgreSQL the yardstick is the database itself: memnun's intake against what
    one plain connection commits, measured in the same run (issue 14, target 2)."""
    limit = raw_commit_rate(url, seconds=seconds)
    ours = run_memnun(clients=clients, seconds=seconds, warmup=warmup, workers=workers)
    return [
        (
            "compare: PostgreSQL raw limit (1 connection, case row + history row per commit)",
            f"{limit:.0f} transactions/s",
        ),
        (
            f"compare intake, {ours.system}, c={clients}, {seconds:.0f} s",
            f"{ours.rate:.0f} cases/s; p50/p95/p99 {ours.percentiles()} ms; "
            f"{ours.cpu_ms_per_case:.1f} ms server CPU/case ({ours.cpu_split()}); "
            f"{ours.errors} errors",
        ),
        ("compare: memnun ÷ PostgreSQL raw limit", f"{ours.rate / limit:.0%}"),
        # The ceiling: memnun's own statements replayed with no application, over as many
        # connections as web workers (bench/intake_statements.py).
        *intake_statements.rows(url, connections=[workers], seconds=seconds, limit=limit),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.compare_bench")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--workers", type=int, default=MEMNUN_WORKERS,
                        help="memnun's gunicorn workers (make run's default: one per core)")
    args = parser.parse_args()
    for label, figure in run(clients=args.clients, seconds=args.seconds, warmup=args.warmup,
                             workers=args.workers):
        print(f"{label}: {figure}")


if __name__ == "__main__":
    main()
