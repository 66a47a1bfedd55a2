"""A throwaway database for the in-process benches, and their timing helper.

A SQLite file in a temporary directory, or, when DATABASE_URL is set, a
`test_<name>` database created beside it and dropped afterwards (as the test
runner does). Django is set up once per process; each bench gets a fresh
database with the demo configuration loaded.
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


def _django(tmp: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "memnun.settings")
    os.environ.setdefault("MEMNUN_TESTING", "1")
    os.environ.setdefault("MEMNUN_DATA_DIR", str(tmp))
    import django

    django.setup()


def _test_environment() -> None:
    """Django's test environment (the test client's host, mail kept in memory) without its
    template instrumentation: that sends a signal and copies the context for every
    template and include rendered, work a served request never does, and it made a list
    page of fifty rows look about a fifth slower than it is."""
    from django.template import Template
    from django.test.utils import _TestState, setup_test_environment

    setup_test_environment()
    Template._render = _TestState.saved_data.template_render  # type: ignore[attr-defined]


@contextmanager
def scratch_database(prefix: str) -> Iterator[None]:
    """A fresh, migrated database with the demo loaded, dropped on the way out."""
    tmp = Path(tempfile.mkdtemp(prefix=f"memnun-{prefix}-"))
    _django(tmp)
    from django.conf import settings
    from django.db import connection
    from django.test.utils import teardown_test_environment

    from memnun.organisation.demo import demo_load

    # A second bench in the same process reuses the first one's data directory.
    data_dir = Path(settings.DATA_DIR)
    made = not data_dir.exists()
    data_dir.mkdir(parents=True, exist_ok=True)
    if made or data_dir == tmp:
        # Pages served through the test client look for collected static files there.
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    _test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        demo_load()
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)
        teardown_test_environment()
        shutil.rmtree(tmp, ignore_errors=True)
        if made:
            shutil.rmtree(data_dir, ignore_errors=True)


@contextmanager
def kept_database(*, fresh: bool) -> Iterator[None]:
    """The database the settings name (DATABASE_URL, else the SQLite default), kept
    afterwards: migrated, with the demo loaded when `fresh` (it must then be empty)."""
    tmp = Path(tempfile.mkdtemp(prefix="memnun-kept-"))
    os.environ["MEMNUN_DEMO"] = "1"
    _django(tmp)
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import teardown_test_environment

    from memnun.organisation.demo import demo_load

    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0)
    if fresh:
        demo_load()
    _test_environment()
    try:
        yield
    finally:
        teardown_test_environment()
        shutil.rmtree(tmp, ignore_errors=True)


def timings_ms(
    call: Callable[[], object], times: int, *, budget_s: float | None = None
) -> tuple[float, float, int]:
    """p50 and p95 in ms of `times` calls (fewer, but at least five, past `budget_s`)."""
    samples: list[float] = []
    started = time.perf_counter()
    while len(samples) < times:
        began = time.perf_counter()
        call()
        samples.append((time.perf_counter() - began) * 1000)
        if budget_s is not None and len(samples) >= 5 and time.perf_counter() - started > budget_s:
            break
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)], len(samples)
