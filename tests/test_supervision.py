"""`memnun run` keeps serving when one of its processes dies (issue 13, "One dead process
takes the site down"): real processes on loopback, the test database, an SMTP sink."""

from __future__ import annotations

import contextlib
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
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from memnun.feedback.models import Feedback
from memnun.notifications.models import OutboundMessage
from tests import mailtools
from tests.conftest import feedback_payload
from tests.processes import child_env, until

pytestmark = pytest.mark.slow

WEB, WORKER = "web server (gunicorn)", "job worker"
_STARTED = re.compile(r"started (?P<name>web server \(gunicorn\)|job worker), pid (?P<pid>\d+)")
_GUNICORN_WORKER = re.compile(r"Booting worker with pid: (\d+)")
_MESSAGE_ID = re.compile(rb"^Message-ID: (<[^>]+>)", re.M | re.I)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead too (the supervisor reaps its children; orphans go to init).
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    return True


@dataclass
class Served:
    """A `memnun run` started by the test, its output in a file."""

    process: subprocess.Popen[bytes]
    base: str
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def pids(self, name: str) -> list[int]:
        return [int(m["pid"]) for m in _STARTED.finditer(self.output()) if m["name"] == name]

    def gunicorn_workers(self) -> list[int]:
        return [int(pid) for pid in _GUNICORN_WORKER.findall(self.output())]

    def status(self, path: str = "/healthz") -> int:
        try:
            with urllib.request.urlopen(f"{self.base}{path}", timeout=5) as response:
                return int(response.status)
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            return 0  # refused or reset: nobody answering

    def record_feedback(self, subject: str) -> dict[str, str]:
        body = json.dumps(feedback_payload(subject=subject)).encode()
        request = urllib.request.Request(
            f"{self.base}/api/v1/feedback", data=body,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 201
            return dict(json.load(response))

    def every_pid(self) -> set[int]:
        return {*self.pids(WEB), *self.pids(WORKER), *self.gunicorn_workers()}

    def stop(self) -> int:
        """SIGTERM, as systemd or Ctrl-C would; the supervisor's exit code."""
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=45)

    def cleanup(self) -> None:
        """Whatever happened in the test: nothing it started may outlive it."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=45)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for pid in self.every_pid():  # each child led its own process group
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)


@pytest.fixture
def sink() -> Iterator[mailtools.SmtpSink]:
    with mailtools.smtp_sink() as server:
        yield server


@pytest.fixture
def served(
    transactional_db: None, demo: None, sink: mailtools.SmtpSink, tmp_path: Path
) -> Iterator[Served]:
    """`memnun run` with one web worker, on a free port, with the default heartbeat settings."""
    port = mailtools.free_port()
    env = child_env(EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(sink.port), PORT=str(port),
                    MEMNUN_LOG_LEVEL="WARNING")
    log = tmp_path / "run.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "memnun.cli", "run", "--port", str(port), "--workers", "1"],
            cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    running = Served(process, f"http://127.0.0.1:{port}", log)
    try:
        until(lambda: process.poll() is not None or running.status() == 200, 60,
              "memnun run to answer")
        assert process.poll() is None, running.output()
        until(lambda: running.pids(WORKER), 10, "the job worker to start")
        yield running
    finally:
        running.cleanup()


def message_ids(sink: mailtools.SmtpSink) -> list[str]:
    return [m.group(1).decode() for r in sink.received if (m := _MESSAGE_ID.search(r.raw))]


def test_a_killed_job_worker_comes_back_and_its_acknowledgement_goes_out_within_a_minute(
    served: Served, sink: mailtools.SmtpSink
) -> None:
    """kill -9 of the job worker mid-send: the site keeps answering, the supervisor starts
    a new worker, and the acknowledgement the dead worker held reaches the customer within
    a minute of the crash (default 15 s heartbeat staleness, not the 300 s lease)."""
    [worker] = served.pids(WORKER)
    [web] = served.pids(WEB)
    sink.data_delay = 5.0  # the server takes its time: the worker is caught mid-send
    served.record_feedback("Ekran değişimi gecikti")
    until(lambda: sink.data_started >= 1, 30, "the acknowledgement to reach the server")
    os.kill(worker, signal.SIGKILL)
    killed_at = time.monotonic()
    sink.data_delay = 0.0

    # The site answers while the worker is down, and records feedback.
    statuses = {served.status() for _ in range(10)}
    served.record_feedback("Kargo kayboldu")
    assert statuses == {200}

    until(lambda: len(served.pids(WORKER)) == 2, 20, "the job worker to be restarted")
    assert re.search(
        rf"job worker \(pid {worker}\) was killed by SIGKILL after [\d.]+ s; restart #1 in \d+ s",
        served.output(),
    ), served.output()
    assert served.pids(WEB) == [web] and alive(web)  # the web server was left alone

    def all_sent() -> bool:
        return not Feedback.objects.filter(ack_sent_at__isnull=True).exists() and not (
            OutboundMessage.objects.exclude(status="sent").exists()
        )

    until(all_sent, 60 - (time.monotonic() - killed_at), "the acknowledgements to go out")
    assert time.monotonic() - killed_at < 60
    expected = set(OutboundMessage.objects.values_list("message_id", flat=True))
    delivered = message_ids(sink)
    assert set(delivered) == expected and Feedback.objects.count() == 2
    # The duplicate bound: one kill landed mid-send, so at most one message went out twice.
    assert len(delivered) <= len(expected) + 1
    assert served.stop() == 0


def test_a_killed_web_server_comes_back_and_a_clean_stop_ends_every_process(
    served: Served, sink: mailtools.SmtpSink
) -> None:
    [master] = served.pids(WEB)
    [worker] = served.pids(WORKER)
    orphans = served.gunicorn_workers()
    assert orphans

    os.kill(master, signal.SIGKILL)
    until(lambda: len(served.pids(WEB)) == 2 and served.status() == 200, 30,
          "the web server to be restarted and answer")
    assert f"web server (gunicorn) (pid {master}) was killed by SIGKILL" in served.output()
    assert not any(alive(pid) for pid in orphans)  # the dead master's workers went too
    assert served.pids(WORKER) == [worker] and alive(worker)  # the worker kept running

    created = served.record_feedback("Fatura hatalı")
    until(lambda: Feedback.objects.filter(reference=created["reference"],
                                          ack_sent_at__isnull=False).exists(),
          30, "the acknowledgement of feedback recorded after the restart")
    assert len(message_ids(sink)) >= 1

    # SIGTERM (systemd's stop, Ctrl-C): every child stops, the supervisor exits 0.
    everything = served.every_pid()
    assert served.stop() == 0
    assert "SIGTERM: stopping" in served.output()
    assert not [pid for pid in everything if alive(pid)]


SUPERVISE = """
import sys
from memnun.supervisor import Supervisor
Supervisor({
    "steady": [sys.executable, "-c", "import time; time.sleep(600)"],
    "broken": [sys.executable, "-c", "import sys; sys.exit(3)"],
}).run()
"""


def test_a_child_that_keeps_dying_is_still_retried_and_the_log_says_it_is_crash_looping(
    tmp_path: Path,
) -> None:
    log = tmp_path / "supervisor.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-c", SUPERVISE], cwd=settings.BASE_DIR, stdout=out,
            stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        until(lambda: "restart #3" in log.read_text(), 20, "three restarts of the broken child")
        text = log.read_text()
        assert "broken (pid" in text and "exited with status 3" in text
        # Backoff doubles while it keeps dying quickly: 2 s, 4 s, 8 s.
        delays = [int(d) for d in re.findall(r"broken \(pid \d+\) .*? in (\d+) s", text)]
        assert delays[:3] == [2, 4, 8]
        assert "crash-looping (died within 10 s of starting 3 times in a row), still retrying" \
            in text
        [steady] = [int(p) for p in re.findall(r"started steady, pid (\d+)", text)]
        assert alive(steady)  # the other child was never touched
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
        assert not alive(steady)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for pid in re.findall(r"pid (\d+)", log.read_text()):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(int(pid), signal.SIGKILL)


def test_a_staleness_limit_shorter_than_three_heartbeats_stops_the_start() -> None:
    """A live worker must be able to miss a beat or two without being presumed dead."""
    env = {**os.environ, "MEMNUN_TESTING": "1", "MEMNUN_WORKER_HEARTBEAT_SECONDS": "3",
           "MEMNUN_WORKER_STALE_SECONDS": "8"}
    result = subprocess.run(
        [sys.executable, "-m", "memnun.cli", "manage", "check"], cwd=settings.BASE_DIR,
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode != 0
    assert "MEMNUN_WORKER_STALE_SECONDS must be at least three" in result.stderr
