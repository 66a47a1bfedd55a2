"""Turkish official holidays from the ``holidays`` package, as calendar input.

The package files the arife afternoons (Ramazan and Kurban Bayramı eves, and
28 October) under its ``half_day`` category, named e.g.
``"Cumhuriyet Bayramı (saat 13.00'ten)"`` -- the holiday starts at 13:00, so
the office closes then. Full holidays are in the ``public`` category.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, time
from zoneinfo import ZoneInfo

import holidays

from memnun.servicelevels.calendar import STANDARD_WEEK, BusinessCalendar

HALF_DAY_CLOSE = time(13, 0)
# "(saat 13.00'ten)" = "from 13:00"; read the hour in case a future release
# adds a half day starting at another time.
_FROM_TIME_RE = re.compile(r"saat (\d{1,2})[.:](\d{2})")


def _close_time(name: str) -> time:
    match = _FROM_TIME_RE.search(name)
    if match is None:
        return HALF_DAY_CLOSE
    hour, minute = int(match.group(1)), int(match.group(2))
    return time(hour, minute) if hour < 24 and minute < 60 else HALF_DAY_CLOSE


def turkish_public_holidays(
    years: Iterable[int],
) -> tuple[frozenset[date], dict[date, time]]:
    """Full-day closed dates and half days (date -> closing time) for ``years``.

    Half days are taken by category rather than by name, so a date that is both
    (none today) counts as closed.
    """
    wanted = sorted(set(years))

    def load(category: str) -> dict[date, str]:
        found = holidays.country_holidays(
            "TR", years=wanted, language="tr", categories=(category,)
        )
        return dict(found.items())

    closed = frozenset(load(holidays.PUBLIC))
    half = {
        day: _close_time(name)
        for day, name in load(holidays.HALF_DAY).items()
        if day not in closed
    }
    return closed, half


def calendar_with_turkish_holidays(
    *,
    years: Iterable[int],
    weekly: Mapping[str, str | Iterable[str]] = STANDARD_WEEK,
    extra_closed: Iterable[date] = (),
    extra_days: Mapping[date, str | Iterable[str]] | None = None,
    tz: str | ZoneInfo = "Europe/Istanbul",
) -> BusinessCalendar:
    """A calendar (default Mon-Fri 09:00-18:00) closed on Turkish holidays.

    ``extra_closed`` adds organisation closures; ``extra_days`` are extra
    working days such as a Saturday, but a holiday still wins over them.
    """
    closed, half = turkish_public_holidays(years)
    return BusinessCalendar.from_spec(
        tz=tz,
        weekly=weekly,
        closed_days=closed | frozenset(extra_closed),
        half_days=dict(half),
        extra_days=extra_days,
    )
