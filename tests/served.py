"""`memnun run` as an operator starts it, for the tests that serve the app for real."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent


def memnun_run(
    *, port: int, workers: int, env: dict[str, str],
    output: int | IO[bytes] | None = subprocess.DEVNULL,
) -> subprocess.Popen[bytes]:
    """Web server and job worker on loopback, in a process group of their own (the test
    stops the group: `os.killpg(process.pid, …)`)."""
    return subprocess.Popen(
        [sys.executable, "-m", "memnun.cli", "run", "--port", str(port), "--workers", str(workers)],
        cwd=ROOT, env=env, stdout=output,
        stderr=subprocess.STDOUT if output == subprocess.PIPE else output,
        start_new_session=True,
    )
