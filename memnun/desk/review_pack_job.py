"""Making a review's pack in the background: it takes longer than a page should wait
(several seconds: the objectives' trends alone read twelve periods each).

`review_pack_start` records the request (services/management_review.py, audited) and
enqueues the job in the same transaction; the job assembles the pack section by
section, storing its progress on the review for the page that follows it, writes both
files and keeps them with the review (their hashes audited). It runs as its requester,
so their reading rights apply again when it runs; run twice (at-least-once), it makes
the pack again.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django_tasks import task

from memnun.accounts.models import User
from memnun.desk.review_pack_render import STEPS, review_pack_files
from memnun.feedback.review_models import ManagementReview, PackStatus
from memnun.feedback.selectors.reports.scope import Period
from memnun.feedback.services.management_review import (
    review_pack_attach,
    review_pack_failed,
    review_pack_progress,
    review_pack_queue,
)

logger = logging.getLogger("memnun.desk")


def review_pack_start(*, actor: User, review: ManagementReview, language: str) -> None:
    with transaction.atomic():
        review_pack_queue(actor=actor, review=review, language=language, sections=STEPS)
        review_pack_build.enqueue(review.pk, actor.pk)


def review_pack_run(*, review_id: int, user_id: int) -> str:
    review = ManagementReview.objects.filter(pk=review_id).first()
    actor = User.objects.filter(pk=user_id).first()
    if review is None or actor is None or review.pack_status == PackStatus.DONE:
        return "nothing to do"
    try:
        files = review_pack_files(
            viewer=actor, language=review.pack_language or "tr", review_id=review.pk,
            period=Period(start=review.period_from, end=review.period_to),
            progress=lambda n, _what: review_pack_progress(review_id=review.pk, done=n),
        )
        review_pack_attach(actor=actor, review=review, language=review.pack_language or "tr",
                           pdf=files.pdf, xlsx=files.xlsx)
    except Exception:
        review_pack_failed(review_id=review.pk)
        logger.exception("the pack of review %s failed", review.pk)
        return "failed"
    return "made"


@task()
def review_pack_build(review_id: int, user_id: int) -> str:
    return review_pack_run(review_id=review_id, user_id=user_id)
