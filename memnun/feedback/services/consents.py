"""The customer's explicit consents per optional purpose (KVKK Art. 5(1), K2, K14).

Each grant or withdrawal is a row with its time, channel, the notice version in
force and who recorded it (the customer, or a member of staff on their word).
A purpose is live when its latest row grants it. Consent is never a condition of
the service and never copied from another case.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from memnun.accounts.models import User
from memnun.feedback.errors import FieldErrors
from memnun.feedback.models import Feedback
from memnun.feedback.permissions import Action, require
from memnun.feedback.privacy_codes import ConsentChannel, ConsentPurpose
from memnun.feedback.privacy_models import Consent
from memnun.feedback.services.common import case_audit, case_lock
from memnun.feedback.services.privacy_notice import notice_current

# In their declared order (the state's keys); an enum's `.values` builds a list on every use.
_PURPOSES: tuple[str, ...] = tuple(ConsentPurpose.values)
_CHANNELS = frozenset(ConsentChannel.values)


def _latest_by_purpose(rows: Iterable[Consent]) -> dict[str, Consent]:
    """The customer's latest word on each purpose among `rows`: the newest by time, then
    by id (two words in the same instant: the later recorded)."""
    latest: dict[str, Consent] = {}
    for consent in sorted(rows, key=lambda c: (c.at, c.pk)):
        latest[consent.purpose] = consent
    return latest


def consent_latest(*, feedback: Feedback, purpose: str) -> Consent | None:
    return _latest_by_purpose(Consent.objects.filter(feedback=feedback, purpose=purpose)).get(
        purpose
    )


def consent_live(*, feedback: Feedback, purpose: str) -> bool:
    """Whether the customer's latest word on `purpose` is a grant."""
    return consents_state(feedback=feedback)[purpose]


def consents_state(
    *, feedback: Feedback, history: Sequence[Consent] | None = None
) -> dict[str, bool]:
    """Every purpose's live state, by its code (the API's and the pages' view), from one
    read of the case's consents (or from `history`, when the caller has read them)."""
    latest = _latest_by_purpose(
        Consent.objects.filter(feedback=feedback) if history is None else history
    )
    return {purpose: purpose in latest and latest[purpose].granted
            for purpose in _PURPOSES}


def consents_history(*, feedback: Feedback) -> list[Consent]:
    return list(
        Consent.objects.filter(feedback=feedback).select_related("notice", "recorded_by")
    )


def _check(changes: Mapping[str, bool], channel: str) -> None:
    unknown = [p for p in changes if p not in _PURPOSES]
    if unknown or channel not in _CHANNELS:
        raise FieldErrors({"consent": [_("Unknown consent purpose.")]})


def consents_write(
    *, feedback: Feedback, changes: Mapping[str, bool], channel: str, by: User | None,
    at: datetime, new_case: bool = False,
) -> list[Consent]:
    """Record the grants and withdrawals that change something, in the caller's
    transaction (intake calls it with the case it has just created: `new_case`, which
    has no consents yet to look up)."""
    _check(changes, channel)
    notice = notice_current(now=at)
    written = []
    for purpose, granted in changes.items():
        latest = None if new_case else consent_latest(feedback=feedback, purpose=purpose)
        if (latest is None and not granted) or (latest is not None and latest.granted == granted):
            continue  # nothing given and nothing to withdraw, or no change
        written.append(Consent.objects.create(
            feedback=feedback, purpose=purpose, granted=granted, at=at, channel=channel,
            notice=notice, recorded_by=by,
        ))
    if written:
        case_audit(
            actor=by, action="consent.recorded", feedback=feedback,
            data={"channel": channel, "consents": {c.purpose: c.granted for c in written},
                  "notice": notice.version},
        )
    return written


def consents_customer_set(
    *, feedback: Feedback, changes: Mapping[str, bool], channel: str
) -> dict[str, bool]:
    """The customer grants or withdraws on their tracking page or through the API
    (they proved the case is theirs there); returns every purpose's state."""
    with transaction.atomic():
        locked = case_lock(feedback)
        consents_write(
            feedback=locked, changes=changes, channel=channel, by=None, at=timezone.now()
        )
        return consents_state(feedback=locked)


def consents_staff_set(
    *, actor: User, feedback: Feedback, changes: Mapping[str, bool]
) -> dict[str, bool]:
    """A member of staff records what the customer said (a call, a visit, a letter)."""
    require(actor, Action.RECORD_CONSENT, feedback)
    with transaction.atomic():
        locked = case_lock(feedback)
        consents_write(
            feedback=locked, changes=changes, channel=ConsentChannel.STAFF, by=actor,
            at=timezone.now(),
        )
        return consents_state(feedback=locked)
