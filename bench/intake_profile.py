"""CPU and queries per intake, in process: `python -m bench.intake_profile [N]` (issue 14).

The HTTP bench measures a loaded, shared machine's wall clock; this one measures what one
intake costs the server's CPU: N staff intakes (phone channel) through `feedback_record`
on a fresh SQLite demo database, after one to warm up, timed with process CPU time,
their queries counted, and the top of a cProfile printed.
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def demo_sqlite(prefix: str) -> None:
    """Django set up as production runs it (not the test settings) on a fresh SQLite
    database in a temporary directory, migrated, with the demo loaded."""
    data_dir = tempfile.mkdtemp(prefix=f"memnun-{prefix}-")
    os.environ.update({"MEMNUN_DEMO": "1", "MEMNUN_DATA_DIR": data_dir,
                       "MEMNUN_LOG_LEVEL": "WARNING"})
    os.environ.pop("MEMNUN_TESTING", None)
    os.environ.pop("DATABASE_URL", None)
    for args in (("migrate", "--no-input"), ("load_demo",)):
        subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "memnun.settings")
    import django

    django.setup()


def profile_top(profile: cProfile.Profile, order: str, lines: int) -> str:
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats(order).print_stats(lines)
    return out.getvalue()


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    demo_sqlite("intake-profile")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from memnun.accounts.models import User
    from memnun.feedback.services.intake import CustomerInput, IntakeInput, feedback_record

    agent = User.objects.select_related("office").get(username="agent")

    def one(i: int) -> None:
        feedback_record(actor=agent, data=IntakeInput(
            type="complaint", channel="phone", office="istanbul", subject=f"Bench {i}",
            description="Ekran değişimi gecikti.", brand="samsung", privacy_notice=True,
            customer=CustomerInput(name="Işıl Öztürk", phone=f"+90532{i % 10_000_000:07d}",
                                   email=f"bench{i}@example.com"),
        ))

    one(-1)
    with CaptureQueriesContext(connection) as queries:
        one(-2)
    profile = cProfile.Profile()
    began = time.process_time()
    profile.enable()
    for i in range(count):
        one(i)
    profile.disable()
    cpu = time.process_time() - began
    print(profile_top(profile, "cumulative", 25))
    print(f"intakes: {count}, queries per intake: {len(queries)}, "
          f"CPU per intake (under cProfile): {cpu / count * 1000:.2f} ms")
    began = time.process_time()
    for i in range(count):
        one(count + i)
    cpu = time.process_time() - began
    print(f"CPU per intake (no profiler): {cpu / count * 1000:.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
