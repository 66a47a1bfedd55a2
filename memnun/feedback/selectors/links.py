"""A case's links to other cases, seen from either end (related, followed up, duplicate)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

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
    """Links from this case first, then links to it, each oldest first."""
    out = FeedbackLink.objects.filter(from_feedback=feedback).select_related("to_feedback")
    into = FeedbackLink.objects.filter(to_feedback=feedback).select_related("from_feedback")
    return [CaseLink(link.to_feedback.reference, link.kind, "out") for link in out] + [
        CaseLink(link.from_feedback.reference, link.kind, "in") for link in into
    ]
