"""Which brand a customer meant: the one home of brand matching.

Customers write brands in their own words and casing ("SAMSUNG", "xiaomi",
"İPHONE"). A spelling matches a brand when its key equals the key of the
brand's code, name or one of its other spellings (`Brand.aliases`).
"""

from __future__ import annotations

from memnun.configcache import config_get, config_instance, config_watch
from memnun.organisation.models import Brand
from memnun.text import tr_fold

config_watch(Brand)


def brand_key(text: str) -> str:
    """The comparison key: Turkish-folded, with dotless ı taken as i.

    Brand names are mostly foreign words: on a Turkish keyboard "XIAOMI" folds
    to "xıaomı" and "XİAOMİ" to "xiaomi"; both mean Xiaomi.
    """
    return tr_fold(text).replace("ı", "i")


def brand_spellings(brand: Brand) -> set[str]:
    """The keys a brand is known by."""
    texts = [brand.code, brand.name, *brand.aliases.splitlines()]
    return {key for key in (brand_key(t) for t in texts) if key}


def brand_for_text(*, text: str) -> Brand | None:
    """The active brand the text names, or None (also for a blank text)."""
    key = brand_key(text)
    if not key:
        return None
    for brand, spellings in _active_brands():
        if key in spellings:
            return config_instance(brand)
    return None


def _active_brands() -> tuple[tuple[Brand, frozenset[str]], ...]:
    """The active brands with their spellings, in the configuration cache: matched on
    every intake."""
    return config_get("brands:active", lambda: tuple(
        (brand, frozenset(brand_spellings(brand))) for brand in Brand.objects.filter(is_active=True)
    ))


def brand_alias_add(*, brand: Brand, text: str) -> bool:
    """Remember `text` as another spelling of the brand; False when it already was one."""
    text = " ".join(text.split())
    if not text or brand_key(text) in brand_spellings(brand):
        return False
    brand.aliases = "\n".join([*brand.aliases.splitlines(), text]).strip()
    brand.save(update_fields=["aliases"])
    return True
