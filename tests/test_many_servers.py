"""Many processes, one database (issue 14): two app servers and three job workers.

Against one PostgreSQL database of its own: intake spread over both servers gets
distinct references, each acknowledgement reaches the SMTP sink exactly once,
each periodic job is enqueued once per period however many workers tick, and
stopping one server mid-load loses nothing (a client whose connection is refused
tries the other server, as the TLS proxy does: deploy/nginx/memnun.conf).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.mailtools import free_port, smtp_sink
from tests.processes import throwaway_postgres

ROOT = Path(__file__).resolve().parent.parent
INTAKES = 60

pytestmark = pytest.mark.slow


@pytest.fixture
def database_url() -> Iterator[str]:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("many servers share one PostgreSQL database; an SQLite file is one "
                    "machine's database (set DATABASE_URL to run this)")
    with throwaway_postgres("many_servers") as served:
        yield served


def _memnun(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, "-m", "memnun.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _start(*args: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "memnun.cli", *args], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def _up(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/healthz", timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def _post(bases: list[str], n: int, tries: list[int]) -> dict[str, object]:
    """Post one feedback; a refused connection (server stopped) goes to the next server."""
    body = json.dumps({
        "type": "suggestion", "channel": "web", "subject": f"Öneri {n}",
        "description": "Online randevu olsa iyi olur.",
        "customer": {"email": f"musteri{n}@example.com"}, "consent": {"privacy_notice": True},
    }).encode()
    for attempt in range(len(bases) * 3):
        base = bases[(n + attempt) % len(bases)]
        request = urllib.request.Request(f"{base}/api/v1/feedback", data=body,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                assert response.status == 201
                tries.append(attempt)
                return dict(json.loads(response.read()))
        except urllib.error.HTTPError:
            raise
        except OSError:  # refused or reset before an answer: not recorded, try elsewhere
            time.sleep(0.1)
    raise AssertionError(f"feedback {n} found no server")


def _rows(url: str, sql: str) -> list[tuple[object, ...]]:
    import psycopg

    with psycopg.connect(url) as conn:
        return list(conn.execute(sql).fetchall())  # type: ignore[arg-type]


def test_two_servers_and_three_workers_share_one_database(
    tmp_path: Path, database_url: str
) -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("MEMNUN_TESTING", "DATABASE_URL", "PROMETHEUS_MULTIPROC_DIR")}
    env.update({"MEMNUN_DATA_DIR": str(tmp_path), "MEMNUN_DEMO": "1",
                "MEMNUN_LOG_LEVEL": "WARNING", "DATABASE_URL": database_url,
                # One client posts them all: the per-client web intake allowance is not the test.
                "MEMNUN_WEB_INTAKE_PER_MINUTE": "10000"})
    _memnun("migrate", env=env)
    _memnun("demo", env=env)
    processes: list[subprocess.Popen[bytes]] = []
    with smtp_sink() as sink:
        env.update({"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(sink.port),
                    "EMAIL_TIMEOUT": "5"})
        ports = [free_port(), free_port()]
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        try:
            servers = [_start("serve", "--port", str(port), "--workers", "2", env=env)
                       for port in ports]
            processes += servers
            started = time.monotonic()
            processes += [_start("worker", env=env) for _ in range(3)]
            deadline = time.monotonic() + 90
            while not all(_up(base) for base in bases):
                assert time.monotonic() < deadline, "the servers did not come up"
                assert all(p.poll() is None for p in processes), "a process exited early"
                time.sleep(0.3)

            tries: list[int] = []
            stop_after = threading.Event()

            def post(n: int) -> dict[str, object]:
                if n == INTAKES // 3:
                    stop_after.set()
                return _post(bases, n, tries)

            with ThreadPoolExecutor(max_workers=6) as pool:
                answers = pool.map(post, range(INTAKES))
                stop_after.wait(timeout=120)
                _stop(servers[0])  # mid-load: its requests in flight finish, new ones go on
                answers = list(answers)

            references = [str(a["reference"]) for a in answers]
            assert len(set(references)) == INTAKES  # distinct across both servers
            stored = _rows(database_url, "SELECT reference FROM feedback_feedback "
                                         "WHERE subject LIKE 'Öneri %'")
            assert sorted(r for (r,) in stored) == sorted(references)  # none lost, none twice
            assert servers[0].poll() is not None  # it did stop mid-load

            # Every acknowledgement reaches the sink, each once.
            wanted = {f"musteri{n}@example.com" for n in range(INTAKES)}
            deadline = time.monotonic() + 120
            while {r for m in sink.received for r in m.recipients} < wanted:
                assert time.monotonic() < deadline, "acknowledgements missing"
                time.sleep(0.5)
            time.sleep(3)  # a duplicate, if any worker sent twice, has time to arrive
            per_recipient = Counter(r for m in list(sink.received) for r in m.recipients)
            assert {r: c for r, c in per_recipient.items() if r in wanted and c != 1} == {}

            # Periodic jobs: three workers tick, each period gives one run.
            elapsed = time.monotonic() - started
            enqueued = dict(_rows(database_url, """
                SELECT task_path, count(*) FROM django_tasks_database_dbtaskresult
                WHERE task_path LIKE 'memnun.%%' GROUP BY task_path"""))
            seal = enqueued.get("memnun.feedback.tasks.audit_seal", 0)
            assert 1 <= seal <= elapsed // 60 + 1, (seal, elapsed)
            watch = enqueued.get("memnun.feedback.services.breach_watch.breach_watch_task", 0)
            assert watch <= elapsed // 60 + 1, (watch, elapsed)

            # The audit chain was sealed in commit order by all those processes.
            assert "intact" in _memnun("audit", "verify", env=env)
        finally:
            for process in processes:
                _stop(process)
