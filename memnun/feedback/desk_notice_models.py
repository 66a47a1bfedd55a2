"""Notifications inside the desk: a line in a member of staff's list, about one case.

Written only by `services/desk_notices.py`, in the transaction of the change it
announces; read through `selectors/desk_notices.py`. The e-mail alerts
(`StaffAlert`, the outbox) are separate and stay as they are.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DeskNoticeKind(models.TextChoices):
    ASSIGNED = "assigned", _("Case assigned to you")
    CUSTOMER_ANSWERED = "customer_answered", _("The customer answered")
    REVIEW_REQUESTED = "review_requested", _("Review requested")
    DEADLINE_AT_RISK = "deadline_at_risk", _("Deadline at risk")


class DeskNotification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE,
        related_name="desk_notifications",
    )
    kind = models.CharField(_("kind"), max_length=24, choices=DeskNoticeKind.choices)
    feedback = models.ForeignKey(
        "feedback.Feedback", verbose_name=_("feedback"), on_delete=models.CASCADE,
        related_name="desk_notifications",
    )
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("desk notification")
        verbose_name_plural = _("desk notifications")
        indexes = [
            # The header's counter: COUNT(*) WHERE user_id = ? AND read_at IS NULL.
            models.Index(fields=["user", "read_at"], name="desknotice_user_unread"),
            # The list, newest first.
            models.Index(fields=["user", "-created_at", "-id"], name="desknotice_user_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.feedback_id} → {self.user_id}"
