"""`memnun run` (the supervisor with gunicorn and the job worker, as `make run` starts it)
on a fresh database, and its process tree read from /proc."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bench.served import ROOT, free_port


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            text = (task / "children").read_text()
            found += [int(p) for p in text.split()]
    except OSError:
        pass
    return found


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


@dataclass
class App:
    env: dict[str, str]
    data_dir: Path
    log: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def manage(self, *args: str) -> None:
        subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env,
                       check=True, stdout=subprocess.DEVNULL)

    def prepare(self) -> None:
        self.manage("migrate", "--no-input")
        self.manage("load_demo")
        self.manage("collectstatic", "--no-input")

    def start(self, workers: int) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "memnun.cli", "run", "--port", str(self.port),
                 "--workers", str(workers)],
                cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError(f"memnun run did not start; see {self.log}") from None
                time.sleep(0.3)

    def _child(self, word: str) -> int | None:
        assert self.process is not None
        for pid in _children(self.process.pid):
            if word in _cmdline(pid):
                return pid
        return None

    def gunicorn_master(self) -> int | None:
        return self._child("gunicorn")

    def web_workers(self) -> list[int]:
        master = self.gunicorn_master()
        return _children(master) if master else []

    def job_worker(self) -> int | None:
        return self._child("memnun.cli worker")

    def stop(self) -> int | None:
        if self.process is None:
            return None
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            return self.process.wait()


def app_env(*, database_url: str | None, smtp_port: int, data_dir: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "MEMNUN_DEMO": "1",
        "MEMNUN_DATA_DIR": str(data_dir),
        "MEMNUN_LOG_LEVEL": "WARNING",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        # 10,000 intakes from one address: the public form's per-minute allowance is
        # not what this measures.
        "MEMNUN_WEB_INTAKE_PER_MINUTE": "1000000",
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        "DJANGO_SETTINGS_MODULE": "memnun.settings",
    }
    for name in ("MEMNUN_TESTING", "DATABASE_URL"):
        env.pop(name, None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def new_data_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="memnun-soak-"))
