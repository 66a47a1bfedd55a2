"""The clients: N intakes over C keep-alive connections, each retried with its
Idempotency-Key after a connection failure or a 503, as a careful integrator would.

Every attempt's outcome is counted (its status, or the connection error's name), so that
what clients saw during the kills is reported, and every intake's final answer kept.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

RETRIES = 12
PUBLIC_EVERY = 10  # one intake in ten comes anonymously, as the public web form's would


def payload(run: str, i: int, *, public: bool) -> dict[str, object]:
    return {
        "type": "complaint",
        # E-mail channel with an e-mail address: the acknowledgement is e-mailed (a phone
        # intake is acknowledged on the call and queues no message).
        "channel": "web" if public else "email",
        "office": "istanbul",
        "subject": f"Soak {run} #{i}",
        "description": "Telefonum üç haftadır serviste, ekran hâlâ değişmedi.",
        "brand": "samsung",
        "customer": {
            "name": "Işıl Öztürk",
            "email": f"soak-{i}@example.com",
            "preferred_contact": "email",
            "language": "tr",
        },
        "consent": {"privacy_notice": True},
    }


@dataclass
class Results:
    # Every attempt's outcome: "201", "503", "ConnectionRefusedError"…
    attempts: Counter[str] = field(default_factory=Counter)
    final: dict[int, str] = field(default_factory=dict)  # intake → its last outcome
    references: dict[int, str] = field(default_factory=dict)  # intake → reference (201)
    first_201_at: list[float] = field(default_factory=list)  # monotonic times of 201s
    bad: list[str] = field(default_factory=list)  # what a 5xx other than 503 said
    lock: threading.Lock = field(default_factory=threading.Lock)

    def to_json(self) -> dict[str, object]:
        return {
            "attempts": dict(self.attempts),
            "final": Counter(self.final.values()),
            "references": self.references,
            "bad": self.bad[:20],
        }


class Load:
    def __init__(self, url: str, token: str, *, run: str, total: int, clients: int) -> None:
        self.host = urlsplit(url)
        self.token = token
        self.run = run
        self.total = total
        self.clients = clients
        self.results = Results()
        self.done = 0
        self._next = iter(range(total))
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        self._threads = [threading.Thread(target=self._client, daemon=True)
                         for _ in range(self.clients)]
        for thread in self._threads:
            thread.start()

    def join(self) -> None:
        for thread in self._threads:
            thread.join()

    def _connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.host.hostname, self.host.port, timeout=60)

    def _client(self) -> None:
        conn = self._connection()
        while True:
            with self._lock:
                i = next(self._next, None)
            if i is None:
                break
            conn = self._intake(conn, i)
            with self._lock:
                self.done += 1
        conn.close()

    def _intake(self, conn: http.client.HTTPConnection, i: int) -> http.client.HTTPConnection:
        public = i % PUBLIC_EVERY == 0
        body = json.dumps(payload(self.run, i, public=public))
        headers = {"Content-Type": "application/json", "Idempotency-Key": f"{self.run}-{i}"}
        if not public:
            headers["Authorization"] = f"Bearer {self.token}"
        outcome = "none"
        for attempt in range(RETRIES):
            try:
                conn.request("POST", "/api/v1/feedback", body, headers)
                response = conn.getresponse()
                data = response.read()
                outcome = str(response.status)
            except (OSError, http.client.HTTPException) as exc:
                outcome = type(exc).__name__
                conn.close()
                conn = self._connection()
                data = b""
            with self.results.lock:
                self.results.attempts[outcome] += 1
                if outcome == "201":
                    self.results.final[i] = outcome
                    self.results.references[i] = json.loads(data)["reference"]
                    self.results.first_201_at.append(time.monotonic())
                elif outcome.startswith("5") and outcome != "503":
                    self.results.bad.append(f"{outcome}: {data[:300]!r}")
            if outcome == "201":
                return conn
            if outcome.isdigit() and outcome not in ("409", "429", "503") and int(outcome) < 500:
                break  # refused for good: retrying would not help
            time.sleep(min(5.0, 0.25 * (attempt + 1)))
        with self.results.lock:
            self.results.final[i] = outcome
        return conn
