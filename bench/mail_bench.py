"""Outbound mail: delivery rate of one worker, and web acknowledgement latency to SMTP.

Serves memnun with gunicorn on loopback (bench/served.py, SQLite unless DATABASE_URL
points at PostgreSQL), an aiosmtpd sink in this process, and one `memnun worker`
process (default poll interval, 1 s) pointed at the sink.

* delivered per second: N web submissions are queued with no worker running; then
  one worker starts, and the rate is taken between the first and the last message
  the sink receives.
* acknowledgement latency: with the worker running, web submissions at a steady
  rate; each sample is from the start of `POST /api/v1/feedback` to the sink
  receiving that case's acknowledgement (matched by X-Memnun-Reference).

Run alone: `python -m bench.mail_bench [--quick]`.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from typing import Any
from urllib.parse import urlsplit

from aiosmtpd.controller import Controller

from bench.served import ROOT, Served, free_port, served

_REFERENCE = re.compile(rb"^X-Memnun-Reference: (\S+)", re.M | re.I)


class _Sink:
    """Records when each case's message arrived."""

    def __init__(self) -> None:
        self.arrivals: dict[str, float] = {}
        self.times: list[float] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        now = time.perf_counter()
        match = _REFERENCE.search(bytes(envelope.content))
        with self.lock:
            self.times.append(now)
            if match:
                self.arrivals.setdefault(match.group(1).decode(), now)
        return "250 OK"

    def wait(self, count: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while len(self.times) < count:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the sink got {len(self.times)} of {count} messages")
            time.sleep(0.01)


def _payload(i: int) -> str:
    return json.dumps({
        "type": "complaint", "channel": "web", "office": "istanbul",
        "subject": f"Ekran değişimi gecikti #{i}", "description": "Telefonum üç haftadır serviste.",
        "customer": {"name": "Işıl Öztürk", "email": f"isil{i}@example.com",
                     "preferred_contact": "email", "language": "tr"},
        "consent": {"privacy_notice": True},
    })


def _post(conn: http.client.HTTPConnection, i: int) -> str:
    conn.request("POST", "/api/v1/feedback", _payload(i), {"Content-Type": "application/json"})
    response = conn.getresponse()
    body = response.read()
    if response.status != 201:
        raise RuntimeError(f"intake answered {response.status}: {body[:200]!r}")
    return str(json.loads(body)["reference"])


def _queue(app: Served, count: int, clients: int = 8) -> None:
    host = urlsplit(app.url)
    numbers = iter(range(count))
    lock = threading.Lock()

    def client() -> None:
        conn = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
        while True:
            with lock:
                i = next(numbers, None)
            if i is None:
                break
            _post(conn, i)
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def _worker(app: Served, port: int) -> subprocess.Popen[bytes]:
    env = {**app.env, "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port)}
    return subprocess.Popen(
        [sys.executable, "-m", "memnun.cli", "worker"], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _percentiles(samples: list[float]) -> str:
    q = statistics.quantiles(sorted(samples), n=100, method="inclusive")
    return f"p50 {q[49] * 1000:.0f} ms, p95 {q[94] * 1000:.0f} ms, p99 {q[98] * 1000:.0f} ms"


def run(*, messages: int = 1000, samples: int = 200, per_second: float = 10.0) -> list[
    tuple[str, str]
]:
    rows: list[tuple[str, str]] = []
    sink = _Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    extra = {"MEMNUN_WEB_INTAKE_PER_MINUTE": "1000000", "MEMNUN_LOG_LEVEL": "WARNING",
             "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port)}
    try:
        with served(extra_env=extra) as app:
            db = app.database
            _queue(app, messages)
            worker = _worker(app, port)
            try:
                sink.wait(messages, timeout=300)
                first, last = sink.times[0], sink.times[messages - 1]
                rate = (messages - 1) / (last - first) if last > first else float("inf")
                rows.append((f"mail: delivered to SMTP by one worker ({db})",
                             f"{rate:.0f} messages/s over {messages}"))

                host = urlsplit(app.url)
                conn = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
                started: dict[str, float] = {}
                gap = 1.0 / per_second
                for i in range(samples):
                    began = time.perf_counter()
                    started[_post(conn, messages + i)] = began
                    time.sleep(max(0.0, gap - (time.perf_counter() - began)))
                conn.close()
                sink.wait(messages + samples, timeout=60)
                latencies = [sink.arrivals[ref] - t for ref, t in started.items()]
                rows.append((
                    f"mail: web acknowledgement, POST → SMTP ({db}, {per_second:.0f}/s)",
                    f"{_percentiles(latencies)}; max {max(latencies) * 1000:.0f} ms",
                ))
            finally:
                _stop(worker)
    finally:
        controller.stop()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.mail_bench")
    parser.add_argument("--quick", action="store_true", help="smaller runs, for a smoke check")
    args = parser.parse_args()
    os.chdir(ROOT)
    kwargs = {"messages": 200, "samples": 50} if args.quick else {}
    for label, figure in run(**kwargs):  # type: ignore[arg-type]
        print(f"{label}: {figure}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
