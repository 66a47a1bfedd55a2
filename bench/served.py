"""A throwaway memnun served by gunicorn on loopback, for benchmarks and end-to-end tests."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO_PASSWORD = "memnun-demo-2026"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class Served:
    url: str
    env: dict[str, str]
    database: str
    # The process group of the served processes (web, and the worker when supervised).
    pid: int = 0

    def token(self, username: str = "agent", password: str = DEMO_PASSWORD) -> str:
        body = json.dumps({"username": username, "password": password}).encode()
        request = urllib.request.Request(
            f"{self.url}/api/v1/auth/token",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return str(json.load(response)["token"])


@contextlib.contextmanager
def postgres_database(base_url: str, name: str) -> Iterator[str]:
    """A new, empty PostgreSQL database `name` on `base_url`'s server (one a crashed run
    left is dropped first), dropped afterwards with any connection still on it: its URL."""
    import psycopg

    server = base_url.rsplit("/", 1)[0]

    def admin(*statements: str) -> None:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement)

    admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


@contextlib.contextmanager
def served(
    *, workers: int = 3, extra_env: dict[str, str] | None = None, supervised: bool = False
) -> Iterator[Served]:
    """Migrate a fresh database (SQLite in a temp dir, or a new PostgreSQL database when
    DATABASE_URL is set), load the demo, serve it with gunicorn, and stop it afterwards.

    `supervised` runs what `make run` runs (web server and job worker under memnun's
    supervisor, in a process group of their own) instead of the web server alone."""
    data_dir = Path(tempfile.mkdtemp(prefix="memnun-bench-"))
    env = {
        **os.environ,
        "MEMNUN_DEMO": "1",
        "MEMNUN_DATA_DIR": str(data_dir),
        "MEMNUN_LOG_LEVEL": "WARNING",
        **(extra_env or {}),
    }
    env.pop("MEMNUN_TESTING", None)
    base_url = os.environ.get("DATABASE_URL", "")
    postgresql = base_url.startswith("postgres")
    port = free_port()
    process: subprocess.Popen[bytes] | None = None
    cleanup = contextlib.ExitStack()
    try:
        if postgresql:
            env["DATABASE_URL"] = cleanup.enter_context(
                postgres_database(base_url, f"memnun_bench_{os.getpid()}")
            )
        manage(env, "migrate", "--no-input")
        manage(env, "load_demo")
        manage(env, "collectstatic", "--no-input")
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "memnun.cli",
                "run" if supervised else "serve",
                "--port",
                str(port),
                "--workers",
                str(workers),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("memnun did not start") from None
                time.sleep(0.2)
        yield Served(
            url=url, env=env, database="postgresql" if postgresql else "sqlite", pid=process.pid
        )
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        cleanup.close()  # the PostgreSQL database, once the processes are stopped
        shutil.rmtree(data_dir, ignore_errors=True)
