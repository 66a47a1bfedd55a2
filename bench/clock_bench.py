"""Micro-benchmark of the business clock on the demo calendar.

Run from the repository root: ``python bench/clock_bench.py [calls]``.
Prints microseconds per call for 100k random starts in 2025-2028.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from memnun.servicelevels.clock import (
    add_business_minutes,
    business_minutes_between,
)
from memnun.servicelevels.turkish_holidays import (
    calendar_with_turkish_holidays,
)


def main() -> None:
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    cal = calendar_with_turkish_holidays(years=range(2025, 2029))
    rng = random.Random(10002)
    first = datetime(2025, 1, 1, tzinfo=cal.tz)
    span = int((datetime(2028, 12, 1, tzinfo=cal.tz) - first).total_seconds())
    starts = [first + timedelta(seconds=rng.randrange(span)) for _ in range(calls)]
    ends = [s + timedelta(minutes=rng.randrange(1, 14 * 1440)) for s in starts]
    utc_starts = [s.astimezone(UTC) for s in starts]

    def timed(label: str, run: Callable[[], None]) -> None:
        began = time.perf_counter()
        run()
        elapsed = time.perf_counter() - began
        print(f"{label:<48} {elapsed / calls * 1e6:6.2f} µs/call")

    def add_local() -> None:
        for s in starts:
            add_business_minutes(cal, s, 360)

    def add_utc() -> None:
        for s in utc_starts:
            add_business_minutes(cal, s, 360)

    def add_week() -> None:
        for s in starts:
            add_business_minutes(cal, s, 5 * 540)

    def between() -> None:
        for s, e in zip(starts, ends, strict=True):
            business_minutes_between(cal, s, e)

    print(f"{calls} random starts; Mon-Fri 09:00-18:00 Istanbul; TR holidays 2025-2028")
    # The first pass also fills the per-day caches (about 1,400 days).
    timed("add_business_minutes(360), first pass (cold)", add_local)
    timed("add_business_minutes(360), local starts", add_local)
    timed("add_business_minutes(360), UTC starts", add_utc)
    timed("add_business_minutes(2700), one working week", add_week)
    timed("business_minutes_between, spans up to 14 days", between)


if __name__ == "__main__":
    main()
