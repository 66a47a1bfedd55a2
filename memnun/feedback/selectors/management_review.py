"""Reads of the management review (R8.6) for the desk and the pack: the reviews, one
review, and the review before a period (whose decisions the next pack reports)."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext as _

from memnun.accounts.models import User
from memnun.feedback.errors import NotFound, NotPermitted
from memnun.feedback.permissions import Action, role_actions
from memnun.feedback.review_models import (
    DecisionStatus,
    ManagementReview,
    ReviewDecision,
    ReviewStatus,
)


def reviews_readable(user: User) -> None:
    if Action.VIEW_REVIEWS not in role_actions(user):
        raise NotPermitted(_("Your role may not read the management reviews."))


def reviews_list(*, user: User) -> list[ManagementReview]:
    """Every review, the latest meeting first, with its decisions counted."""
    reviews_readable(user)
    return list(
        ManagementReview.objects.select_related("approved_by")
        .annotate(n_decisions=Count("decisions", distinct=True),
                  n_open=Count("decisions", filter=Q(decisions__status=DecisionStatus.OPEN),
                               distinct=True))
    )


def review_get(*, user: User, review_id: int) -> ManagementReview:
    reviews_readable(user)
    review = (
        ManagementReview.objects.select_related(
            "drafted_by", "approved_by", "pack_made_by")
        .prefetch_related("attendees", Prefetch(
            "decisions", queryset=ReviewDecision.objects.select_related(
                "capa", "objective", "done_by")))
        .filter(pk=review_id).first()
    )
    if review is None:
        raise NotFound(_("No such review."))
    return review


def review_previous(*, before: date, exclude: int | None = None) -> ManagementReview | None:
    """The approved review that the pack of a period ending on `before` follows: the one
    over the latest period ending before it (then the latest meeting), with its decisions."""
    found = ManagementReview.objects.filter(
        status=ReviewStatus.APPROVED, period_to__lt=before,
    ).prefetch_related(Prefetch(
        "decisions", queryset=ReviewDecision.objects.select_related("capa", "objective")))
    if exclude is not None:
        found = found.exclude(pk=exclude)
    return found.order_by("-period_to", "-meeting_on", "-pk").first()
