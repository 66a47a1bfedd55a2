"""A case's compensation, looked up the same way for the API and the desk."""

from __future__ import annotations

from django.utils.translation import gettext as _

from memnun.feedback.errors import NotFound
from memnun.feedback.models import Compensation, Feedback


def compensation_on_case(*, feedback: Feedback, compensation_id: int) -> Compensation:
    """The compensation with this id on this case; NotFound for one on another case."""
    compensation = (
        Compensation.objects.filter(feedback=feedback, pk=compensation_id)
        .select_related("feedback")
        .first()
    )
    if compensation is None:
        raise NotFound(_("No such compensation on this case."))
    return compensation
