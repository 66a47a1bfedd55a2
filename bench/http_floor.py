"""The HTTP floor: what gunicorn and the kernel cost per request before any application
work (issue 14's CPU per case).

`served_floor` serves `application` below, a WSGI callable that reads the body and answers
201 with a short JSON document, the way `make run` serves memnun: gunicorn's sync workers,
as many, with an access log on standard output. `compare_bench` drives it with the same
keep-alive clients as both systems; its CPU per request is the part of memnun's CPU per
case that no change inside memnun can remove.
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

_ANSWER = b'{"reference": "26-000001-7"}'


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    environ["wsgi.input"].read(length)
    start_response("201 Created", [("Content-Type", "application/json"),
                                   ("Content-Length", str(len(_ANSWER)))])
    return [_ANSWER]


@dataclass
class Floor:
    url: str
    pid: int


@contextmanager
def served_floor(*, port: int, workers: int) -> Iterator[Floor]:
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "bench.http_floor:application",
         "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--access-logfile", "-"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(url, timeout=1).close()
                break
            except (urllib.error.URLError, OSError):
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the floor server did not start") from None
                time.sleep(0.2)
        yield Floor(url=url, pid=process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)
