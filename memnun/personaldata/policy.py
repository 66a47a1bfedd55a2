"""Who sees which personal data how, on which interface: the one table.

Decided here and nowhere else:
- Identifying data (name, e-mail, phone, postal address, IMEI, device serial,
  repair order) is shown **masked to every role on every interface** (API,
  desk, admin, exports). Whole values come only through an audited reveal
  (the desk's reveal form, `POST /api/v1/feedback/{reference}/reveal`), which
  `feedback.services.personal_data` performs; who may reveal is the permission
  matrix's `reveal_personal_data` action.
- Free texts (the customer's subject, description and remedy sought, the
  messages and notes of the case, the customer's comments, e-mails in and
  out) cannot be masked: they are shown **whole to the roles that work the
  case** (agent, handler, reviewer, quality manager) and to the personal-data
  contact (who answers the customer's access request) on the API, the desk and
  in exports, and **hidden** (only their length shown) from the auditor, top
  management and the administrator, and from everyone in `/admin/`. The
  auditor audits the handling (stages, deadlines, proposals and their root
  causes, who did what), which the case shows without the customer's words;
  top management reads the reports and, behind a figure, the cases as the
  auditor sees them.
- A role this table does not know (a role added later) gets the most
  restricted look: masked, hidden.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from memnun.accounts.roles import Role
from memnun.personaldata.fields import IDENTIFYING, PersonalField
from memnun.personaldata.masking import mask


class Interface(StrEnum):
    API = "api"
    DESK = "desk"
    ADMIN = "admin"
    EXPORT = "export"


class Shown(StrEnum):
    WHOLE = "whole"
    MASKED = "masked"
    HIDDEN = "hidden"  # free texts: nothing but their length


M, W, H = Shown.MASKED, Shown.WHOLE, Shown.HIDDEN
CASE_WORKERS = frozenset({Role.AGENT, Role.HANDLER, Role.REVIEWER, Role.QUALITY})
# The personal-data contact answers access requests, which include the customer's own words.
READS_FREE_TEXT = CASE_WORKERS | {Role.PRIVACY}

_FREE_TEXT: dict[Interface, dict[str, Shown]] = {
    Interface.API: {r: W if r in READS_FREE_TEXT else H for r in Role},
    Interface.DESK: {r: W if r in READS_FREE_TEXT else H for r in Role},
    Interface.EXPORT: {r: W if r in READS_FREE_TEXT else H for r in Role},
    # The admin screens are for operating the system, not for reading cases.
    Interface.ADMIN: {r: H for r in Role},
}

POLICY: Mapping[tuple[PersonalField, Interface], Mapping[str, Shown]] = {
    **{(f, i): {r: M for r in Role} for f in IDENTIFYING for i in Interface},
    **{(PersonalField.FREE_TEXT, i): by_role for i, by_role in _FREE_TEXT.items()},
}


def shown(*, field: PersonalField, role: str, interface: Interface) -> Shown:
    fallback = H if field is PersonalField.FREE_TEXT else M
    return POLICY[field, interface].get(role, fallback)


def present(*, value: str, field: PersonalField, role: str, interface: Interface) -> str:
    """The value as this role sees it on this interface."""
    if shown(field=field, role=role, interface=interface) is Shown.WHOLE:
        return value
    return mask(value=value, field=field)


def project(
    *, values: Mapping[str, str], fields: Mapping[str, PersonalField], role: str,
    interface: Interface,
) -> dict[str, str]:
    """A row of values as the role sees it: the declared personal ones masked or hidden."""
    return {
        name: present(value=value, field=fields[name], role=role, interface=interface)
        if name in fields else value
        for name, value in values.items()
    }


def export_projection(
    *, values: Mapping[str, str], fields: Mapping[str, PersonalField], role: str
) -> dict[str, str]:
    """What an export (a report file, a data extract) may hold of a row: every export calls this."""
    return project(values=values, fields=fields, role=role, interface=Interface.EXPORT)
