"""The escalation ladder (RA-flow): the levels, and who decides a case at each.

A case's `escalation_level` rises by one rung when the customer rejects a
resolution or the case is reopened (the next level with an internal role; at the
top internal level it stays), when a reviewer or quality manager escalates it by
hand with a reason, and jumps to the external level when the case is referred to
an external body. Each rise is an `Escalation` row (services/escalation.py).

The levels are `EscalationLevel` rows (admin-editable, seeded by a migration
with `DEFAULT_LADDER`); without any row the defaults apply. The rule:

- a case at level *n* needs its next decision on a proposal (approve or send
  back, `permissions.DECIDING`) from at least the minimum role of level *n* —
  of the highest level ≤ *n* that names a role, so that the external level and
  any level above the ladder keep the top internal role;
- roles rank agent < handler < reviewer < quality < management
  (`escalation_models.LADDER_ROLES`); the auditor and the administrator rank
  nowhere and decide nothing.

`permissions.actions_on` applies it, so the desk, the API and the services ask
the same question (`decision_refusal`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from memnun.accounts.roles import Role
from memnun.configcache import config_get, config_watch
from memnun.feedback.escalation_models import LADDER_ROLES, EscalationLevel

# The ladder is configuration: read through the per-process cache (every case page and
# decision asks it), emptied when a level is saved or deleted.
config_watch(EscalationLevel)


@dataclass(frozen=True)
class Level:
    order: int
    code: str
    minimum_role: str  # "" for external recourse
    name_tr: str = ""
    name_en: str = ""

    @property
    def external(self) -> bool:
        return not self.minimum_role

    @property
    def name(self) -> str:
        """The configured name in the active language, or the default name translated."""
        own = self.name_tr if (get_language() or "tr").startswith("tr") else self.name_en
        return own or _(DEFAULT_NAMES.get(self.code, self.code))


# The default names, translated where they are shown (gettext_noop: marked, not translated here).
DEFAULT_NAMES: dict[str, str] = {
    "front_line": gettext_noop("Front line"),
    "handler": gettext_noop("Complaints handler"),
    "office_reviewer": gettext_noop("Office reviewer"),
    "quality": gettext_noop("Quality manager"),
    "management": gettext_noop("Top management"),
    "external": gettext_noop("External recourse (consumer arbitration, ISO 10003)"),
}

DEFAULT_LADDER: tuple[Level, ...] = (
    Level(0, "front_line", Role.AGENT),
    Level(1, "handler", Role.HANDLER),
    Level(2, "office_reviewer", Role.REVIEWER),
    Level(3, "quality", Role.QUALITY),
    Level(4, "management", Role.MANAGEMENT),
    Level(5, "external", ""),
)


def ladder() -> tuple[Level, ...]:
    """The configured levels, lowest first (the defaults while none is configured)."""
    return config_get("escalation-ladder", _ladder_load)


def _ladder_load() -> tuple[Level, ...]:
    rows = EscalationLevel.objects.order_by("order").values_list(
        "order", "code", "minimum_role", "name_tr", "name_en"
    )
    return tuple(Level(*row) for row in rows) or DEFAULT_LADDER


def level_at(order: int, levels: tuple[Level, ...] | None = None) -> Level:
    """The rung a case at `order` stands on: the highest level at or below it."""
    levels = levels or ladder()
    below = [level for level in levels if level.order <= order]
    return below[-1] if below else levels[0]


def deciding_role(order: int, levels: tuple[Level, ...] | None = None) -> str:
    """The least role that decides a case at `order` ("" when no level names one)."""
    levels = levels or ladder()
    internal = [lv for lv in levels if lv.order <= order and not lv.external]
    return internal[-1].minimum_role if internal else ""


def role_reaches(role: str, minimum: str) -> bool:
    """Whether `role` is at least `minimum` on the ladder (a role off the ladder never is)."""
    if not minimum:
        return True
    ranks = [r.value for r in LADDER_ROLES]
    return role in ranks and ranks.index(role) >= ranks.index(minimum)


def decision_refusal(*, role: str, order: int) -> str | None:
    """Why `role` may not decide a case at escalation level `order`; None when it may."""
    if order == 0:
        return None  # the ladder's first rung asks only what the matrix asks
    levels = ladder()
    minimum = deciding_role(order, levels)
    if role_reaches(role, minimum):
        return None
    return _(
        "This case is at escalation level %(level)s (%(name)s): its decision needs at least"
        " this role: %(role)s."
    ) % {"level": order, "name": level_at(order, levels).name, "role": Role(minimum).label}


def next_internal_level(order: int) -> int:
    """The level a rejection or a reopening takes the case to: the next level above
    `order` with an internal role; `order` itself when there is none."""
    above = [lv.order for lv in ladder() if lv.order > order and not lv.external]
    return above[0] if above else order


def external_level() -> Level | None:
    """The first external level (a referral takes the case there); None if not configured."""
    return next((lv for lv in ladder() if lv.external), None)
