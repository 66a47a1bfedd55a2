"""Intake throughput and tracking latency against a served memnun on loopback."""

from __future__ import annotations

import http.client
import json
import statistics
import threading
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from bench.served import Served, served


def _percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    q = statistics.quantiles(ordered, n=100, method="inclusive")
    return f"p50 {q[49] * 1000:.1f} ms, p95 {q[94] * 1000:.1f} ms, p99 {q[98] * 1000:.1f} ms"


def threads_run(target: Callable[[], None], count: int) -> float:
    """Run `target` in `count` threads at once; the seconds until the last one ends."""
    threads = [threading.Thread(target=target) for _ in range(count)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - began


def _load(
    app: Served,
    *,
    total: int,
    concurrency: int,
    request: Callable[[http.client.HTTPConnection, int], int],
) -> tuple[float, list[float], int]:
    """Run `total` requests over `concurrency` keep-alive connections."""
    host = urlsplit(app.url)
    latencies: list[float] = []
    failures = 0
    lock = threading.Lock()
    counter = iter(range(total))

    def worker() -> None:
        nonlocal failures
        conn = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            began = time.perf_counter()
            status = request(conn, i)
            elapsed = time.perf_counter() - began
            with lock:
                latencies.append(elapsed)
                failures += status >= 400
        conn.close()

    return threads_run(worker, concurrency), latencies, failures


def _post(
    conn: http.client.HTTPConnection, path: str, body: dict[str, object], headers: dict[str, str]
) -> tuple[int, bytes]:
    conn.request("POST", path, json.dumps(body), {"Content-Type": "application/json", **headers})
    response = conn.getresponse()
    return response.status, response.read()


def intake_payload(i: int, *, email: bool = False) -> dict[str, object]:
    """A staff phone intake, the `i`-th; with a customer e-mail of its own when `email`."""
    customer: dict[str, str] = {"name": "Işıl Öztürk", "phone": "+905321234567", "language": "tr"}
    if email:
        customer["email"] = f"isil.{i}@example.com"
    return {
        "type": "complaint",
        "channel": "phone",
        "office": "istanbul",
        "subject": f"Ekran değişimi gecikti #{i}",
        "description": "Telefonum üç haftadır serviste.",
        "brand": "samsung",
        "customer": customer,
        "consent": {"privacy_notice": True},
    }


def run(*, total: int = 2000, concurrency: int = 8, lookups: int = 2000) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    with served() as app:
        auth = {"Authorization": f"Bearer {app.token()}"}
        created: list[tuple[str, str]] = []

        def intake(conn: http.client.HTTPConnection, i: int) -> int:
            status, body = _post(conn, "/api/v1/feedback", intake_payload(i), auth)
            if status == 201 and len(created) < 500:
                data = json.loads(body)
                created.append((data["reference"], data["tracking_code"]))
            return status

        elapsed, latencies, failures = _load(
            app, total=total, concurrency=concurrency, request=intake
        )
        db = app.database
        rows.append(
            (
                f"intake POST /api/v1/feedback ({db}, {concurrency} clients)",
                f"{total / elapsed:.0f} feedback/s; {_percentiles(latencies)}; {failures} errors",
            )
        )

        def track(conn: http.client.HTTPConnection, i: int) -> int:
            reference, code = created[i % len(created)]
            conn.request("GET", f"/api/v1/track/{reference}?code={code}")
            response = conn.getresponse()
            response.read()
            return response.status

        elapsed, latencies, failures = _load(
            app, total=lookups, concurrency=concurrency, request=track
        )
        rows.append(
            (
                f"tracking GET /api/v1/track ({db}, {concurrency} clients)",
                f"{lookups / elapsed:.0f} lookups/s; {_percentiles(latencies)}; {failures} errors",
            )
        )
    return rows


if __name__ == "__main__":
    for label, figure in run():
        print(f"{label}: {figure}")
