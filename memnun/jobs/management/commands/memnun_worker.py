"""`manage.py memnun_worker`: run background tasks, periodic jobs and stuck-task recovery."""

from __future__ import annotations

import logging
import signal
from argparse import ArgumentParser, ArgumentTypeError
from datetime import timedelta
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from memnun.jobs import schedule
from memnun.jobs.worker import Worker

logger = logging.getLogger("memnun.jobs")


def _seconds(value: str) -> float:
    number = float(value)
    if not number >= 0 or number == float("inf"):
        raise ArgumentTypeError("must be a finite number of seconds, zero or more")
    return number


def _worker_id(value: str) -> str:
    if not 0 < len(value) <= 64:
        raise ArgumentTypeError("worker ids have 1 to 64 characters")
    return value


class Command(BaseCommand):
    help = (
        "Run background tasks: periodic jobs, retries and recovery of tasks whose worker "
        "died. SIGTERM or Ctrl-C stops after the current task; a second one interrupts it."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--once", action="store_true", help="run what is due, then exit")
        parser.add_argument(
            "--interval", type=_seconds, default=1.0, help="seconds to sleep when idle (1)"
        )
        parser.add_argument("--worker-id", type=_worker_id, help="unique id (host:pid:random)")
        parser.add_argument(
            "--queues", default="", help="comma-separated queue names (default: all)"
        )
        parser.add_argument(
            "--stale-after",
            type=_seconds,
            default=None,
            help="seconds without a heartbeat after which a worker's tasks and claimed "
            "messages are taken back (MEMNUN_WORKER_STALE_SECONDS, 15)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        schedule.autodiscover()
        try:
            worker = Worker(
                worker_id=options["worker_id"],
                interval=options["interval"],
                queues=[q for q in options["queues"].split(",") if q],
                stale_after=(
                    None if options["stale_after"] is None
                    else timedelta(seconds=options["stale_after"])
                ),
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc

        def on_signal(signum: int, frame: FrameType | None) -> None:
            if worker.stopping:
                raise KeyboardInterrupt  # second signal: interrupt; the task goes back to READY
            logger.warning("%s: stopping after the current task", signal.strsignal(signum))
            worker.stop()

        previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            worker.run(once=options["once"])
        except KeyboardInterrupt:
            logger.warning("worker %s interrupted", worker.worker_id)
            raise SystemExit(130) from None
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
