"""The retention schedule's categories and their documented defaults (K9), and the date
arithmetic of a retention period. Pure: no database.

One row per category of data memnun keeps about people. The schedule itself is the
`RetentionPeriod` table (seeded from `DEFAULTS` by a migration, edited in the admin by
the administrator and the personal-data contact); the destruction job
(`services/destruction.py`) reads it. The periods are defaults for the operator's lawyer
to confirm: the law fixes few of them (K9 `[I]`).

    >>> from datetime import datetime, timezone
    >>> period_start(now=datetime(2026, 3, 1, tzinfo=timezone.utc), amount=10, unit="years")
    datetime.datetime(2016, 3, 1, 0, 0, tzinfo=datetime.timezone.utc)
    >>> period_start(now=datetime(2028, 2, 29, tzinfo=timezone.utc), amount=1, unit="years")
    datetime.datetime(2027, 2, 28, 0, 0, tzinfo=datetime.timezone.utc)
    >>> period_start(now=datetime(2026, 3, 31, tzinfo=timezone.utc), amount=1, unit="months")
    datetime.datetime(2026, 2, 28, 0, 0, tzinfo=datetime.timezone.utc)
"""

from __future__ import annotations

import calendar
from datetime import datetime, timedelta
from typing import NamedTuple

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class RetentionCategory(models.TextChoices):
    # The personal data of a closed case: the customer's name, contacts and address, the
    # device identifiers, the texts, the files, the messages and e-mails of the case.
    CASE = "case", _("Personal data of closed cases")
    # Received e-mails that became no case (automatic replies, bounces, refused mails).
    INBOUND_MAIL = "inbound_mail", _("E-mails that became no case")
    # The API's stored first answers to a request sent with an Idempotency-Key.
    IDEMPOTENCY = "idempotency", _("Stored API answers (Idempotency-Key)")
    # Counters of the rate limits; their keys hold the client's IP address.
    RATE_LIMIT = "rate_limit", _("Rate-limit counters")
    # The destruction log: each run and each anonymised case.
    LOGS = "logs", _("Destruction log")


class Unit(models.TextChoices):
    DAYS = "days", _("days")
    MONTHS = "months", _("months")
    YEARS = "years", _("years")


class Default(NamedTuple):
    amount: int
    unit: str
    starts: Promise  # from what the period runs
    action: Promise  # what happens at its end
    basis: Promise  # why this long


C = RetentionCategory
DEFAULTS: dict[RetentionCategory, Default] = {
    C.CASE: Default(
        10, Unit.YEARS, _("the case's closure"),
        _("The case is anonymised in place: reference, dates, stages, classification and "
          "scores stay, so every report figure stays the same."),
        _("The general limitation period of claims, 10 years (Turkish Code of Obligations "
          "No. 6098, Art. 146), within which the company may need the record to defend "
          "itself; it also covers the 2-year limitation of claims for defective goods and "
          "services (Consumer Protection Law No. 6502, Arts. 12 and 16) and the 10 years "
          "commercial papers are kept (Turkish Commercial Code No. 6102, Art. 82). A "
          "default for the operator's lawyer to confirm."),
    ),
    C.INBOUND_MAIL: Default(
        90, Unit.DAYS, _("the e-mail's arrival"),
        _("The e-mail and its files are deleted."),
        _("Kept only to look into a mail that went astray; no case needs it."),
    ),
    C.IDEMPOTENCY: Default(
        30, Unit.DAYS, _("the request"),
        _("The stored answer is deleted. Its tracking code is blanked already when the "
          "24-hour retry window ends."),
        _("Only a client retrying the same request needs it."),
    ),
    C.RATE_LIMIT: Default(
        1, Unit.DAYS, _("the counter's time window"),
        _("The counter is deleted."),
        _("A counter counts for nothing after its window (at most an hour)."),
    ),
    C.LOGS: Default(
        3, Unit.YEARS, _("the run"),
        _("Nothing: the job never deletes its own log. Older entries may be removed by "
          "hand."),
        _("The Regulation on the Erasure, Destruction or Anonymisation of Personal Data "
          "(Official Gazette 30224, 28.10.2017), Art. 7: the records of each destruction "
          "are kept at least 3 years."),
    ),
}
_missing = set(RetentionCategory) - set(DEFAULTS)
if _missing:
    raise RuntimeError(f"retention categories without a default: {sorted(_missing)}")

# What a destruction run counts, in the order shown (the run's `counts`).
COUNTS: dict[str, Promise] = {
    "case": _("Cases anonymised"),
    "held": _("Expired cases kept by a hold"),
    "inbound_mail": _("E-mails without a case deleted"),
    "tracking_code": _("Tracking codes blanked in stored API answers"),
    "idempotency": _("Stored API answers deleted"),
    "rate_limit": _("Rate-limit counters deleted"),
}

# The shortest period an operator may set, per category (amount, unit); absent: one day.
MINIMUM: dict[RetentionCategory, tuple[int, str]] = {C.LOGS: (3, Unit.YEARS)}

# How long a client may retry an API request and get the first answer whole; afterwards
# the stored answer keeps no tracking code.
RETRY_WINDOW = timedelta(hours=24)

# The destruction job runs at least this often (the Regulation, Art. 11: every six months
# at the latest for a controller registered in VERBIS); the default is monthly.
MAX_INTERVAL_DAYS = 183
DEFAULT_INTERVAL_DAYS = 30


def _minus_months(moment: datetime, months: int) -> datetime:
    """`moment` `months` calendar months earlier; the 31st becomes the month's last day."""
    index = moment.year * 12 + (moment.month - 1) - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def period_start(*, now: datetime, amount: int, unit: str) -> datetime:
    """The moment a period of `amount` `unit` ending at `now` began: data whose period
    started at or before it has expired."""
    if amount < 0:
        raise ValueError("a retention period is not negative")
    if unit == Unit.DAYS:
        return now - timedelta(days=amount)
    if unit == Unit.MONTHS:
        return _minus_months(now, amount)
    if unit == Unit.YEARS:
        return _minus_months(now, 12 * amount)
    raise ValueError(f"not a unit: {unit!r}")


def period_covers(*, amount: int, unit: str, category: RetentionCategory) -> bool:
    """Whether a period of `amount` `unit` is at least the category's minimum, whatever
    the calendar (leap years included): 1,095 days are not 3 years, 1,096 are.

        >>> period_covers(amount=36, unit="months", category=RetentionCategory.LOGS)
        True
        >>> period_covers(amount=1095, unit="days", category=RetentionCategory.LOGS)
        False
    """
    least, least_unit = MINIMUM.get(category, (1, Unit.DAYS))
    ends = [datetime(year, month, 1) for year in range(2024, 2028) for month in (1, 3)]
    return all(
        period_start(now=end, amount=amount, unit=unit)
        <= period_start(now=end, amount=least, unit=least_unit)
        for end in ends
    )
