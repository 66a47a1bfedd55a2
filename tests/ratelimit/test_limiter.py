"""Fixed-window counters shared by every process, and their hourly clean-up."""

from __future__ import annotations

import pytest

from memnun.ratelimit.limiter import rate_count, rate_exceeded, rate_hit, rate_prune
from memnun.ratelimit.models import RateWindow

pytestmark = pytest.mark.django_db
NOW = 1_800_000_000.0


def test_hits_count_per_key_and_window() -> None:
    assert [rate_hit(key="a", window_seconds=60, now=NOW) for _ in range(3)] == [1, 2, 3]
    assert rate_count(key="a", window_seconds=60, now=NOW) == 3
    assert rate_count(key="b", window_seconds=60, now=NOW) == 0
    assert rate_hit(key="a", window_seconds=60, now=NOW + 60) == 1  # the next window


def test_the_limit_is_exceeded_by_the_hit_after_it() -> None:
    results = [rate_exceeded(key="x", limit=2, window_seconds=60, now=NOW) for _ in range(3)]
    assert results == [False, False, True]


def test_old_windows_are_pruned_by_the_scheduled_job() -> None:
    import time

    from memnun.jobs.schedule import PERIODIC, autodiscover

    rate_hit(key="old", window_seconds=60, now=time.time() - 2 * 86400)
    rate_hit(key="new", window_seconds=60)
    assert rate_prune() == 1
    assert list(RateWindow.objects.values_list("rate_key", flat=True)) == ["new"]
    autodiscover()
    assert PERIODIC["ratelimit.prune"].task.module_path.endswith("rate_windows_prune")
