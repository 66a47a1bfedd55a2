"""`/metrics` under `memnun run`: several gunicorn processes, one sum."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from scrape import samples, value

from tests.mailtools import free_port
from tests.processes import throwaway_postgres
from tests.served import memnun_run

ROOT = Path(__file__).resolve().parents[2]
INTAKES = 12
INTAKE = {"view": "api-v1:feedback_create", "method": "POST", "status": "2xx"}

pytestmark = pytest.mark.slow


def memnun(*args: str, env: dict[str, str]) -> None:
    done = subprocess.run([sys.executable, "-m", "memnun.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError:  # not listening yet
        return 0, b""


def post_feedback(base: str, n: int) -> int:
    body = json.dumps({
        "type": "suggestion", "channel": "web", "subject": f"Öneri {n}",
        "description": "Online randevu olsa iyi olur.",
        "customer": {"email": f"musteri{n}@example.com"}, "consent": {"privacy_notice": True},
    }).encode()
    request = urllib.request.Request(
        f"{base}/api/v1/feedback", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return int(response.status)


def wait_until(check: object, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not check():  # type: ignore[operator]
        assert process.poll() is None, "memnun run exited early"
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.3)


@pytest.fixture
def database_url() -> Iterator[str]:
    """On PostgreSQL runs (DATABASE_URL set), a database of its own for the served
    installation, dropped afterwards; on SQLite runs, the data directory's file."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield ""
        return
    with throwaway_postgres("served_metrics") as served:
        yield served


def test_metrics_add_up_the_intakes_of_every_gunicorn_worker(
    tmp_path: Path, database_url: str
) -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("MEMNUN_TESTING", "DATABASE_URL", "PROMETHEUS_MULTIPROC_DIR")}
    env.update({"MEMNUN_DATA_DIR": str(tmp_path), "MEMNUN_DEMO": "1",
                "MEMNUN_LOG_LEVEL": "WARNING", "MEMNUN_READY_MIN_FREE_MB": "1"})
    if database_url:
        env["DATABASE_URL"] = database_url
    memnun("migrate", env=env)
    memnun("demo", env=env)
    # Samples a previous run left behind are not counted again.
    (tmp_path / "metrics").mkdir()
    (tmp_path / "metrics" / "histogram_1.db").write_bytes(b"stale")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = memnun_run(port=port, workers=3, env=env)
    try:
        wait_until(lambda: get(f"{base}/healthz")[0] == 200, server)
        # The job worker beats: the installation is ready.
        wait_until(lambda: get(f"{base}/readyz")[0] == 200, server, seconds=30)
        before = samples(get(f"{base}/metrics")[1].decode())

        with ThreadPoolExecutor(max_workers=6) as pool:
            assert set(pool.map(lambda n: post_feedback(base, n), range(INTAKES))) == {201}

        files = {p.name for p in (tmp_path / "metrics").iterdir()}
        histograms = (re.fullmatch(r"histogram_(\d+)\.db", name) for name in files)
        served_by = {int(m.group(1)) for m in histograms if m}
        assert len(served_by) >= 2, files  # several processes served, each its own file
        assert 1 not in served_by
        for _ in range(3):  # whichever worker answers the scrape, the sums are the same
            after = samples(get(f"{base}/metrics")[1].decode())
            assert value(after, "memnun_intakes_total", channel="web") == (
                value(before, "memnun_intakes_total", channel="web") + INTAKES
            )
            assert value(after, "memnun_http_request_duration_seconds_count", **INTAKE) == INTAKES
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
