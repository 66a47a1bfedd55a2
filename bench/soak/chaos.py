"""The chaos loop: SIGKILL a random gunicorn web worker every few seconds, the job worker
every `worker_every` seconds up to `worker_kills` times, and note for each job-worker kill
whether it landed mid-send (the dead worker held claimed, unsent messages)."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bench.soak.app import App

_HELD = ("SELECT id FROM notifications_outboundmessage "
         "WHERE status = 'sending' AND claimed_by LIKE {p}")


def held_claims(database: str, pid: int) -> list[int]:
    """The messages the (now dead) worker `pid` had claimed and not marked sent."""
    pattern = f"%:{pid}:%"  # a worker's id is host:pid:random
    if database.startswith("postgres"):
        import psycopg

        with psycopg.connect(database, connect_timeout=5) as conn:
            rows = conn.execute(_HELD.format(p="%s"), (pattern,)).fetchall()
    else:
        with sqlite3.connect(database, timeout=30) as conn:
            rows = conn.execute(_HELD.format(p="?"), (pattern,)).fetchall()
    return [int(row[0]) for row in rows]


@dataclass
class Chaos:
    app: App
    database: str  # a psycopg URL or the SQLite file
    web_every: float = 4.0
    worker_every: float = 20.0
    worker_kills: int = 5
    seed: int = 13
    web_killed: int = 0
    worker_killed: int = 0
    mid_send: int = 0
    claims_at_kill: int = 0
    events: list[str] = field(default_factory=list)
    # Each job-worker kill that held claims: its wall-clock time and the messages held.
    held: list[dict[str, object]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    on_tick: Callable[[], None] | None = None

    def start(self) -> None:
        self._started = time.monotonic()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _loop(self) -> None:
        rand = random.Random(self.seed)
        next_worker_kill = time.monotonic() + self.worker_every
        while not self._stop.wait(rand.uniform(self.web_every * 0.5, self.web_every * 1.5)):
            workers = self.app.web_workers()
            if workers:
                victim = rand.choice(workers)
                if self._kill(victim):
                    self.web_killed += 1
            if self.worker_killed < self.worker_kills and time.monotonic() >= next_worker_kill:
                next_worker_kill = time.monotonic() + self.worker_every
                pid = self.app.job_worker()
                if pid and self._kill(pid):
                    killed_at = time.time()
                    self.worker_killed += 1
                    try:
                        held = held_claims(self.database, pid)
                    except Exception as exc:  # the database may be restarting just now
                        self.events.append(f"job worker {pid}: claims unknown ({exc})")
                        held = []
                    self.claims_at_kill += len(held)
                    self.mid_send += bool(held)
                    if held:
                        self.held.append({"at": killed_at, "ids": held})
                    self.events.append(
                        f"{time.monotonic() - self._started:6.1f} s: killed job worker {pid}"
                        f" holding {len(held)} claimed message(s)"
                    )

    @staticmethod
    def _kill(pid: int) -> bool:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            return False
        return True
