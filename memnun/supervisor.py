"""The embedded supervisor of `memnun run`: keeps the web server and the job worker running.

One dead child never takes the others down. A child that dies (whatever the exit
status or signal) is started again after a backoff: `BACKOFF_BASE` seconds after
a death that followed a good run, doubling for every further death within
`QUICK_DEATH` seconds of its start, capped at `BACKOFF_MAX`. Each death is one
log line (what died, how, after how long, the restart count and the delay); a
child that has died quickly `CRASH_LOOP` times in a row is still retried, and
the line says that it is crash-looping.

Each child runs in its own process group. When a gunicorn master dies, its
orphaned workers still hold the listening socket (they notice the lost master
only after their timeout), so the group is told to stop at once and killed
before the master is started again. SIGTERM or SIGINT stops the supervisor: every
group gets SIGTERM (gunicorn finishes its requests, the job worker its current
task), and what is still running after `STOP_TIMEOUT` seconds is killed. Children
are in their own groups, so a Ctrl-C in the terminal reaches the supervisor only
and each child is stopped once, not interrupted by a second signal. On Linux a
child also gets SIGTERM if the supervisor itself is killed.

Production runs each process under the system's supervisor instead (systemd
units in docs/operations.md), each restarted on its own.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import FrameType

BACKOFF_BASE = 1.0  # seconds before restarting a child that had been running well
BACKOFF_MAX = 30.0
QUICK_DEATH = 10.0  # a death this soon after the start counts towards a crash loop
CRASH_LOOP = 3  # quick deaths in a row after which the log calls it a crash loop
STOP_TIMEOUT = 25.0  # the job worker's delivery run may take 20 s to finish
POLL = 0.2

PR_SET_PDEATHSIG = 1


def _log(text: str) -> None:
    stamp = time.strftime("%Y-%m-%d %H:%M:%S %z")
    print(f"[{stamp}] memnun run: {text}", file=sys.stderr, flush=True)


def describe_exit(returncode: int) -> str:
    """'exited with status 1' or 'was killed by SIGKILL' (Popen's negative codes)."""
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return f"was killed by {name}"
    return f"exited with status {returncode}"


def restart_delay(quick_deaths: int) -> float:
    """Seconds before a restart, after `quick_deaths` deaths in a row within QUICK_DEATH."""
    return float(min(BACKOFF_MAX, BACKOFF_BASE * (1 << min(quick_deaths, 16))))


def _die_with_parent() -> Callable[[], None] | None:
    """A preexec function asking Linux to SIGTERM the child when the supervisor dies."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        prctl = libc.prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def preexec() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != parent:  # the supervisor died before prctl took effect
            os.kill(os.getpid(), signal.SIGTERM)

    return preexec


@dataclass
class Child:
    name: str
    argv: list[str]
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    restarts: int = 0
    quick_deaths: int = 0  # deaths in a row within QUICK_DEATH of the start
    restart_at: float = 0.0
    group: int | None = field(default=None, repr=False)  # its process group while it may live


class Supervisor:
    """Start the children, restart each one that dies, stop them all on SIGTERM/SIGINT."""

    def __init__(self, children: Mapping[str, Sequence[str]], *, log: Callable[[str], None] = _log):
        self.children = [Child(name, list(argv)) for name, argv in children.items()]
        self.log = log
        self._stopping: str | None = None
        self._preexec = _die_with_parent()

    def stop(self, signum: int, frame: FrameType | None = None) -> None:
        self._stopping = signal.Signals(signum).name

    def run(self) -> int:
        previous = {sig: signal.signal(sig, self.stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            for child in self.children:
                self._start(child)
            while self._stopping is None:
                now = time.monotonic()
                for child in self.children:
                    if child.process is not None:
                        code = child.process.poll()
                        if code is not None:
                            self._died(child, code, now)
                    elif now >= child.restart_at and self._stopping is None:
                        self._start(child)
                time.sleep(POLL)
            self.log(f"{self._stopping}: stopping {', '.join(c.name for c in self.children)}")
        finally:
            self._stop_all()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return 0

    def _start(self, child: Child) -> None:
        if child.group is not None:  # what is left of the last run (gunicorn's orphans)
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(child.group, signal.SIGKILL)
            child.group = None
        child.process = subprocess.Popen(  # preexec_fn: no threads here
            child.argv, process_group=0, preexec_fn=self._preexec
        )
        child.group = child.process.pid
        child.started_at = time.monotonic()
        again = f" (restart #{child.restarts})" if child.restarts else ""
        self.log(f"started {child.name}, pid {child.process.pid}{again}")

    def _died(self, child: Child, code: int, now: float) -> None:
        assert child.process is not None
        pid, uptime = child.process.pid, now - child.started_at
        child.process = None
        if child.group is not None:  # orphans (gunicorn's workers): finish and go
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(child.group, signal.SIGTERM)
        child.quick_deaths = child.quick_deaths + 1 if uptime < QUICK_DEATH else 0
        child.restarts += 1
        delay = restart_delay(child.quick_deaths)
        child.restart_at = now + delay
        line = (
            f"{child.name} (pid {pid}) {describe_exit(code)} after {uptime:.1f} s; "
            f"restart #{child.restarts} in {delay:.0f} s"
        )
        if child.quick_deaths >= CRASH_LOOP:
            line += (
                f"; it is crash-looping (died within {QUICK_DEATH:.0f} s of starting "
                f"{child.quick_deaths} times in a row), still retrying"
            )
        self.log(line)

    def _stop_all(self) -> None:
        running = [c for c in self.children if c.process is not None and c.group is not None]
        for child in self.children:
            if child.group is not None:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(child.group, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        for child in running:
            assert child.process is not None
            try:
                child.process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.log(f"{child.name} (pid {child.process.pid}) did not stop: killing it")
        for child in self.children:  # stragglers: a gunicorn worker, a killed child's group
            if child.group is not None:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(child.group, signal.SIGKILL)
                child.group = None
            if child.process is not None:
                child.process.wait()
                child.process = None
