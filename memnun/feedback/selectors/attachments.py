"""A case's files for staff, scoped by the permission matrix."""

from __future__ import annotations

from django.utils.translation import gettext as _

from memnun.accounts.models import User
from memnun.feedback.errors import NotFound
from memnun.feedback.models import (
    Attachment,
)
from memnun.feedback.permissions import Action, feedback_for_user


def attachment_for_staff(*, user: User, reference: str, attachment_id: int) -> Attachment:
    """A case's file for someone who may see the case and its files; NotFound for anyone else."""
    feedback, actions = feedback_for_user(user=user, reference=reference)
    attachment = (
        Attachment.objects.filter(feedback=feedback, pk=attachment_id).first()
        if Action.VIEW_ATTACHMENTS in actions
        else None
    )
    if attachment is None:
        raise NotFound(_("No such file."))
    return attachment

