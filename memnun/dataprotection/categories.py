"""The data categories of the personal-data registry (`memnun.personaldata.fields`) as
the data-protection records name them: a label for people, and the VERBIS category
(the Authority's list) each belongs to.

Keyed by `PersonalField`, so a kind added to the registry without a row here fails at
import, not silently in an inventory or a breach notice.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from memnun.personaldata.fields import PersonalField

P = PersonalField


class Category(NamedTuple):
    label: Promise
    verbis: Promise  # the VERBIS data category (kişisel veri kategorisi)


CATEGORIES: dict[PersonalField, Category] = {
    P.NAME: Category(_("Name"), _("Identity")),
    P.EMAIL: Category(_("E-mail address"), _("Contact")),
    P.PHONE: Category(_("Phone number"), _("Contact")),
    P.ADDRESS: Category(_("Postal address"), _("Contact")),
    P.IMEI: Category(_("Device IMEI"), _("Customer transaction")),
    P.SERIAL: Category(_("Device serial number"), _("Customer transaction")),
    P.REPAIR_ORDER: Category(_("Repair order number"), _("Customer transaction")),
    P.FREE_TEXT: Category(_("Complaint texts and messages"), _("Customer transaction")),
}
_missing = set(PersonalField) - set(CATEGORIES)
if _missing:
    raise RuntimeError(f"data categories without a label: {sorted(_missing)}")


def category_choices() -> list[tuple[str, Promise]]:
    return [(kind.value, CATEGORIES[kind].label) for kind in PersonalField]


def category_labels(kinds: Iterable[str]) -> list[str]:
    """The labels of stored category values, in the registry's order, in the active language."""
    chosen = set(kinds)
    return [str(CATEGORIES[kind].label) for kind in PersonalField if kind.value in chosen]
