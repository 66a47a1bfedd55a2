"""Configuration that cannot work is refused at start-up (Django system checks).

`manage.py check`, `runserver`, `migrate` and the worker run these before
serving. Each wrong value gets its own message naming the environment variable
an operator sets, so that a typo fails loudly at deployment, not quietly when
the first case needs it. Add a row to a table below for a new setting.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning

from memnun.accounts.roles import Role
from memnun.feedback.codes import Channel, FeedbackType, ObligationKind, Status
from memnun.servicelevels.defaults import DEFAULT_TARGETS
from memnun.servicelevels.models import TargetMode

# Whole-number settings and the least value each can work with.
MINIMUMS: dict[str, int] = {
    # 0 days would shut the reopening window the moment a case closes.
    "MEMNUN_REOPEN_DAYS": 1,
    # 0 days would find no repeat at all.
    "MEMNUN_REPEAT_WINDOW_DAYS": 1,
    # Fewer than one case would make every category a surge; no weeks, no norm to exceed.
    "MEMNUN_SURGE_MIN_CASES": 1,
    "MEMNUN_SURGE_HISTORY_WEEKS": 1,
    "MEMNUN_QUESTION_REMINDER_DAYS": 1,
    "MEMNUN_RESOLUTION_REMINDER_DAYS": 1,
    "MEMNUN_RESOLUTION_REMINDERS": 0,
    "MEMNUN_ASSIGN_MAX_OPEN": 1,
    "TRACKING_LINK_DAYS": 1,
    "TRACK_MISSES_PER_HOUR": 1,
    "WEB_INTAKE_PER_MINUTE": 1,
    "API_TOKEN_HOURS": 1,
    "ATTACHMENT_MAX_COUNT": 0,
    "MEMNUN_OUTBOX_MAX_ATTEMPTS": 1,
    "MEMNUN_OUTBOX_BACKOFF_SECONDS": 1,
    "MEMNUN_OUTBOX_BACKOFF_MAX_SECONDS": 1,
    "MEMNUN_OUTBOX_LEASE_SECONDS": 1,
    "MEMNUN_OUTBOX_BATCH": 1,
    "MEMNUN_EXPORT_SYNC_MAX_ROWS": 0,
    "MEMNUN_EXPORT_KEEP_HOURS": 1,
}
# Clocks pause while a question to the customer is open; no status means waiting.
RETIRED_PAUSE_SETTING = "SERVICE_LEVEL_PAUSE_STATUSES"
RETIRED_PAUSE_ENV = "MEMNUN_PAUSE_STATUSES"


def _whole_numbers() -> Iterable[CheckMessage]:
    for name, minimum in MINIMUMS.items():
        value = getattr(settings, name, None)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            yield Error(f"{name} must be a whole number, not {value!r}.", id="memnun.E002")
        elif value < minimum:
            yield Error(f"{name} must be at least {minimum}, not {value}.", id="memnun.E002")
    low = getattr(settings, "MEMNUN_OUTBOX_BACKOFF_SECONDS", 0)
    high = getattr(settings, "MEMNUN_OUTBOX_BACKOFF_MAX_SECONDS", 0)
    if isinstance(low, int) and isinstance(high, int) and high < low:
        yield Error(
            f"MEMNUN_OUTBOX_BACKOFF_MAX_SECONDS ({high}) is below"
            f" MEMNUN_OUTBOX_BACKOFF_SECONDS ({low}).",
            id="memnun.E003",
        )


def _retired_pause_statuses() -> Iterable[CheckMessage]:
    named: list[str] | None = None
    if hasattr(settings, RETIRED_PAUSE_SETTING):
        named = list(getattr(settings, RETIRED_PAUSE_SETTING) or [])
    elif RETIRED_PAUSE_ENV in os.environ:
        named = [s.strip() for s in os.environ[RETIRED_PAUSE_ENV].split(",") if s.strip()]
    if named is None:
        return
    unknown = sorted(set(named) - set(Status.values))
    if unknown:
        yield Error(
            f"{RETIRED_PAUSE_ENV} names statuses the lifecycle does not have: "
            + ", ".join(unknown) + ".",
            hint="Remove it: clocks pause while a question to the customer is open"
            " (POST /api/v1/feedback/{reference}/questions), not in a status.",
            id="memnun.E001",
        )
    else:
        yield Warning(
            f"{RETIRED_PAUSE_ENV} is no longer read.",
            hint="Remove it: clocks pause while a question to the customer is open.",
            id="memnun.W001",
        )


def _compensation_limits() -> Iterable[CheckMessage]:
    limits: Any = getattr(settings, "MEMNUN_COMPENSATION_LIMITS", {})
    if not isinstance(limits, dict):
        yield Error("MEMNUN_COMPENSATION_LIMITS must map roles to limits.", id="memnun.E004")
        return
    for role, limit in limits.items():
        if role not in Role.values:
            yield Error(
                f"MEMNUN_COMPENSATION_LIMITS names a role that does not exist: {role!r}.",
                hint="Roles: " + ", ".join(Role.values) + ".",
                id="memnun.E004",
            )
        if limit is not None and (
            isinstance(limit, bool) or not isinstance(limit, int) or limit < 0
        ):
            yield Error(
                f"MEMNUN_COMPENSATION_LIMITS[{role!r}] must be a whole number of lira from 0,"
                f" or None for no limit, not {limit!r}.",
                id="memnun.E004",
            )


def _target_key_known(key: str) -> bool:
    kind, _sep, code = key.partition(":")
    if kind == "ack":
        return code in Channel.values
    if kind == "resolution":
        return code == "safety" or code in FeedbackType.values
    return not code and key in ObligationKind.values


def _default_targets() -> Iterable[CheckMessage]:
    """The built-in service levels name only real channels and types, and cover them all."""
    for key, (mode, minutes, warn) in DEFAULT_TARGETS.items():
        if not _target_key_known(key):
            yield Error(f"Service target {key!r} names no channel, type or obligation.",
                        id="memnun.E005")
        if mode not in TargetMode.values:
            yield Error(f"Service target {key!r} has an unknown mode {mode!r}.", id="memnun.E005")
        # An immediate target's minutes are a grace on the clock: 0 is "at the receipt".
        least = 0 if mode == TargetMode.IMMEDIATE else 1
        if minutes < least:
            yield Error(f"Service target {key!r} needs at least {least} minutes, not {minutes}.",
                        id="memnun.E005")
        if not 1 <= warn <= 100:
            yield Error(f"Service target {key!r} warns at {warn} %; give 1 to 100.",
                        id="memnun.E005")
    missing = [f"ack:{c}" for c in Channel.values if f"ack:{c}" not in DEFAULT_TARGETS] + [
        f"resolution:{t}" for t in FeedbackType.values if f"resolution:{t}" not in DEFAULT_TARGETS
    ]
    if missing:
        yield Error("Service targets missing for: " + ", ".join(missing) + ".", id="memnun.E005")


def _export_columns() -> Iterable[CheckMessage]:
    """No column of a case-list export reads personal data (R4.10: exports are pseudonymised)."""
    from memnun.feedback.exports.columns import personal_reads

    for lookup in personal_reads():
        yield Error(
            f"A case-list export column reads personal data: {lookup}.",
            hint="Exports name a case by its reference only (feedback/exports/columns.py).",
            id="memnun.E006",
        )


def configuration_check(
    *, app_configs: Sequence[AppConfig] | None, databases: Sequence[str] | None, **kwargs: Any
) -> list[CheckMessage]:
    """Every configuration problem (registered by `FeedbackConfig.ready`)."""
    return [
        *_retired_pause_statuses(),
        *_whole_numbers(),
        *_compensation_limits(),
        *_default_targets(),
        *_export_columns(),
    ]
