"""Brand texts that name no known brand, for staff to tidy in /admin/."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max

from memnun.feedback.models import Feedback
from memnun.organisation.brands import brand_key


@dataclass(frozen=True)
class UnmatchedBrandText:
    text: str  # the most used spelling of those with the same key
    spellings: tuple[str, ...]
    count: int
    last_received_at: datetime


def unmatched_brand_texts() -> list[UnmatchedBrandText]:
    """Unlinked brand texts grouped by their matching key, most feedback first."""
    rows = (
        Feedback.objects.filter(brand__isnull=True).exclude(brand_text="")
        .values("brand_text").annotate(n=Count("id"), last=Max("received_at"))
    )
    groups: dict[str, list[tuple[str, int, datetime]]] = {}
    for row in rows:
        groups.setdefault(brand_key(row["brand_text"]), []).append(
            (row["brand_text"], row["n"], row["last"])
        )
    result = []
    for members in groups.values():
        counts = Counter({text: n for text, n, _last in members})
        result.append(UnmatchedBrandText(
            text=min(counts, key=lambda text: (-counts[text], text)),
            spellings=tuple(sorted(counts)),
            count=sum(counts.values()),
            last_received_at=max(last for _text, _n, last in members),
        ))
    return sorted(result, key=lambda r: (-r.count, brand_key(r.text)))
