"""`python -m bench.soak [--count N] [--db sqlite|postgresql]…`: run the soak, print the figures.

Each database gets its own fresh memnun (data directory, database, SMTP sink); the
PostgreSQL run uses a throwaway cluster (bench/soak/pg.py), restarted once mid-run.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench.served import DEMO_PASSWORD, ROOT
from bench.soak.app import App, app_env, new_data_dir
from bench.soak.chaos import Chaos
from bench.soak.load import Load
from bench.soak.pg import ThrowawayPostgres
from bench.soak.sink import Sink

_BACKLOG = "SELECT count(*) FROM notifications_outboundmessage WHERE status <> 'sent'"


def backlog(database: str) -> int:
    if database.startswith("postgres"):
        import psycopg

        with psycopg.connect(database, connect_timeout=5) as conn:
            row = conn.execute(_BACKLOG).fetchone()
    else:
        with sqlite3.connect(database, timeout=30) as conn:
            row = conn.execute(_BACKLOG).fetchone()
    return int(row[0]) if row else -1


def token(url: str) -> str:
    body = json.dumps({"username": "agent", "password": DEMO_PASSWORD}).encode()
    request = urllib.request.Request(f"{url}/api/v1/auth/token", data=body,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return str(json.load(response)["token"])


def soak(db: str, args: argparse.Namespace, out: Path) -> dict[str, object]:
    run = f"{db[:2]}{int(time.time())}"
    sink = Sink()
    sink.start()
    pg: ThrowawayPostgres | None = None
    data_dir = new_data_dir()
    app: App | None = None
    try:
        if db == "postgresql":
            pg = ThrowawayPostgres()
            pg.start()
            pg.create_database("memnun_soak")
            database = pg.database_url("memnun_soak")
        else:
            database = str(data_dir / "memnun.sqlite3")
        env = app_env(database_url=database if pg else None, smtp_port=sink.port,
                      data_dir=data_dir)
        app = App(env=env, data_dir=data_dir, log=out / f"{db}-run.log")
        app.log.unlink(missing_ok=True)
        print(f"[{db}] migrating and loading the demo into a fresh database…", flush=True)
        app.prepare()
        app.start(workers=args.web_workers)
        supervisor_pid = app.process.pid if app.process else 0
        load = Load(app.url, token(app.url), run=run, total=args.count, clients=args.clients)
        chaos = Chaos(app, database, web_every=args.kill_every, worker_every=args.worker_every,
                      worker_kills=args.worker_kills)
        began = time.monotonic()
        load.start()
        chaos.start()
        pg_restart: dict[str, float] = {}
        while any(t.is_alive() for t in load._threads):
            time.sleep(1)
            if pg and not pg_restart and load.done >= args.count * 0.4:
                at = time.monotonic()
                took = pg.restart()
                pg_restart = {"at": at - began, "took": took, "ended": time.monotonic()}
                print(f"[{db}] restarted PostgreSQL in {took:.1f} s", flush=True)
            if int(time.monotonic() - began) % 15 == 0:
                print(f"[{db}] {load.done}/{args.count} intakes, {chaos.web_killed} web and"
                      f" {chaos.worker_killed} job-worker kills, {sink.received()} mails",
                      flush=True)
        load.join()
        load_seconds = time.monotonic() - began
        chaos.stop()
        stopped = time.monotonic()
        # Recovery: every message out (the backlog empty), measured from the last kill.
        recovered_after: float | None = None
        while time.monotonic() - stopped < args.recovery_timeout:
            with contextlib.suppress(Exception):  # a busy or restarting database: ask again
                if backlog(database) == 0:
                    recovered_after = time.monotonic() - stopped
                    break
            time.sleep(1)
        time.sleep(2)  # the last SMTP conversations end
        after_pg = None
        if pg_restart:
            firsts = [t for t in load.results.first_201_at if t >= pg_restart["ended"]]
            after_pg = (min(firsts) - pg_restart["ended"]) if firsts else None
        output = app.log.read_text(errors="replace")
        deaths = re.findall(r"(web server \(gunicorn\)|job worker) \(pid \d+\) (was killed by "
                            r"\w+|exited with status \d+)", output)
        supervisor_alive = app.process is not None and app.process.poll() is None
        # `memnun audit verify` on the quiet database: while workers still write, its
        # walk and its read of the chain head can see different moments (RELIABILITY.md).
        stop_exit = app.stop()
        audit_cli = subprocess.run(
            [sys.executable, "-m", "memnun.cli", "audit", "verify"], cwd=ROOT, env=env,
            capture_output=True, text=True,
        )
        handover = out / f"{db}-handover.json"
        handover.write_text(json.dumps({
            "run": run, "references": list(load.results.references.values()),
            "sink_ids": dict(sink.message_ids), "held": chaos.held,
        }))
        checked = out / f"{db}-check.json"
        subprocess.run([sys.executable, "-m", "bench.soak.check", str(handover), str(checked)],
                       cwd=ROOT, env=env, check=True)
        figures: dict[str, object] = {
            "database": db,
            "submitted": args.count,
            "clients": args.clients,
            "web_workers": args.web_workers,
            "load_seconds": round(load_seconds, 1),
            "attempt_outcomes": dict(load.results.attempts),
            "final_outcomes": dict(load.results.to_json()["final"]),  # type: ignore[call-overload]
            "server_errors_other_than_503": load.results.bad,
            "web_worker_kills": chaos.web_killed,
            "job_worker_kills": chaos.worker_killed,
            "job_worker_kills_mid_send": chaos.mid_send,
            "messages_claimed_at_kills": chaos.claims_at_kill,
            "kill_events": chaos.events,
            "supervisor_saw_deaths": [f"{who} {how}" for who, how in deaths],
            "supervisor_alive_at_end": supervisor_alive,
            "supervisor_pid": supervisor_pid,
            "supervisor_exit_on_sigterm": stop_exit,
            "postgres_restart": pg_restart or None,
            "first_201_after_postgres_restart_s": (
                round(after_pg, 2) if after_pg is not None else None),
            "backlog_empty_after_chaos_s": (
                round(recovered_after, 1) if recovered_after is not None else None),
            "sink_messages": sink.received(),
            "audit_verify_exit": audit_cli.returncode,
            "audit_verify_output": (audit_cli.stdout + audit_cli.stderr).strip()[-300:],
            **json.loads(checked.read_text()),
        }
        (out / f"{db}-figures.json").write_text(json.dumps(figures, indent=2, ensure_ascii=False))
        return figures
    finally:
        if app is not None:
            app.stop()
        sink.stop()
        if pg is not None:
            pg.destroy()
        shutil.rmtree(data_dir, ignore_errors=True)


def verdict(f: dict[str, object]) -> list[str]:
    """What must hold; each failure one line."""
    problems = []
    if f["lost_count"]:
        problems.append(f"{f['lost_count']} feedback answered 201 is missing")
    if any(f["half_written"].values()):  # type: ignore[union-attr]
        problems.append(f"half-written: {f['half_written']}")
    if f["server_errors_other_than_503"]:
        problems.append("5xx other than 503 seen by clients")
    if not f["audit_ok"] or f["audit_verify_exit"] != 0:
        problems.append("audit verify failed")
    if f["acks_missing_at_sink"]:
        problems.append(f"{f['acks_missing_at_sink']} acknowledgements never reached the sink")
    if f["duplicates_at_sink"] > f["job_worker_kills_mid_send"]:  # type: ignore[operator]
        problems.append("more duplicates than job-worker kills mid-send")
    if f["stuck_tasks"] or f["backlog_empty_after_chaos_s"] is None:
        problems.append("something stuck after recovery")
    if not f["supervisor_alive_at_end"]:
        problems.append("the supervisor itself died")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak")
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], action="append")
    parser.add_argument("--web-workers", type=int, default=3)
    parser.add_argument("--kill-every", type=float, default=4.0,
                        help="seconds between web-worker kills (jittered ±50%%)")
    parser.add_argument("--worker-every", type=float, default=20.0,
                        help="seconds between job-worker kills")
    parser.add_argument("--worker-kills", type=int, default=5)
    parser.add_argument("--recovery-timeout", type=float, default=240.0)
    parser.add_argument("--out", default=str(ROOT / "var" / "soak"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    failed = False
    for db in args.db or ["sqlite", "postgresql"]:
        figures = soak(db, args, out)
        print(json.dumps(figures, indent=2, ensure_ascii=False))
        problems = verdict(figures)
        print(f"[{db}] " + ("PASS" if not problems else "FAIL: " + "; ".join(problems)),
              flush=True)
        failed = failed or bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
