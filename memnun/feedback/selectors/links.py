"""A case's links to other cases, seen from either end (related, followed up, duplicate)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.db.models import Q
from django.utils.translation import gettext as _

from memnun.feedback.codes import LinkKind
from memnun.feedback.models import Feedback, FeedbackLink


@dataclass(frozen=True)
class CaseLink:
    reference: str
    kind: str
    direction: Literal["out", "in"]

    @property
    def label(self) -> str:
        """How the other case stands to this one, read from this case's side."""
        if self.direction == "out":
            return str(LinkKind(self.kind).label)
        return {
            LinkKind.REOPENED_AS: _("Follow-up of"),
            LinkKind.DUPLICATE: _("Has a duplicate"),
        }.get(LinkKind(self.kind), str(LinkKind(self.kind).label))


def case_links(*, feedback: Feedback) -> list[CaseLink]:
    """Links from this case first, then links to it, each oldest first (one read)."""
    rows = FeedbackLink.objects.filter(
        Q(from_feedback=feedback) | Q(to_feedback=feedback)
    ).values_list("from_feedback_id", "from_feedback__reference", "to_feedback__reference", "kind")
    links = [
        CaseLink(to_ref, kind, "out") if from_id == feedback.pk else CaseLink(from_ref, kind, "in")
        for from_id, from_ref, to_ref, kind in rows
    ]
    return sorted(links, key=lambda link: link.direction != "out")  # stable: oldest first
