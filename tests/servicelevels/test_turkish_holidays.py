"""Turkish holidays as read from ``holidays`` (TR, language="tr")."""

from __future__ import annotations

from datetime import date, time

from memnun.servicelevels.turkish_holidays import (
    calendar_with_turkish_holidays,
    turkish_public_holidays,
)

CLOSED, HALF = turkish_public_holidays(range(2025, 2029))
ONE_PM = time(13, 0)


def test_fixed_national_holidays_are_closed() -> None:
    for year in range(2025, 2029):
        for month, day in (
            (1, 1),
            (4, 23),
            (5, 1),
            (5, 19),
            (7, 15),
            (8, 30),
            (10, 29),
        ):
            assert date(year, month, day) in CLOSED


def test_28_october_is_a_half_day_closing_at_13() -> None:
    for year in range(2025, 2029):
        assert HALF[date(year, 10, 28)] == ONE_PM
        assert date(year, 10, 28) not in CLOSED


def test_religious_holidays_2026_2027() -> None:
    # Ramazan Bayramı: arife half day, then three days closed.
    assert HALF[date(2026, 3, 19)] == ONE_PM
    assert {date(2026, 3, d) for d in (20, 21, 22)} <= CLOSED
    assert HALF[date(2027, 3, 8)] == ONE_PM
    assert {date(2027, 3, d) for d in (9, 10, 11)} <= CLOSED
    # Kurban Bayramı: arife half day, then four days closed.
    assert HALF[date(2026, 5, 26)] == ONE_PM
    assert {date(2026, 5, d) for d in (27, 28, 29, 30)} <= CLOSED
    assert HALF[date(2027, 5, 15)] == ONE_PM
    assert {date(2027, 5, d) for d in (16, 17, 18, 19)} <= CLOSED


def test_every_half_day_is_an_arife_at_13() -> None:
    assert len(HALF) == 3 * 4  # 28 Ekim + two arife per year
    assert set(HALF.values()) == {ONE_PM}
    assert not set(HALF) & CLOSED


def test_no_other_dates_sneak_in() -> None:
    # 7 fixed holidays + 3 Ramazan + 4 Kurban days a year; 2027-05-19 is both
    # Atatürk'ü Anma and a Kurban day, so that year has one date fewer.
    assert len(CLOSED) == 4 * 14 - 1
    assert all(2025 <= d.year <= 2028 for d in CLOSED)


def test_empty_years() -> None:
    assert turkish_public_holidays([]) == (frozenset(), {})


def test_calendar_helper_merges_holidays_and_closures() -> None:
    closure = date(2026, 11, 23)
    cal = calendar_with_turkish_holidays(years=[2026], extra_closed=[closure])
    assert str(cal.tz) == "Europe/Istanbul"
    assert cal.periods_on(date(2026, 11, 24)) == ((540, 1080),)
    assert cal.periods_on(closure) == ()
    assert cal.periods_on(date(2026, 10, 29)) == ()
    assert cal.periods_on(date(2026, 10, 28)) == ((540, 780),)
    assert cal.periods_on(date(2026, 11, 21)) == ()  # Saturday
