"""Saved replies (macros): texts staff insert into a message to the customer.

A reply has a Turkish and an English body (the case's customer language picks one)
and belongs to one office, or to every office when `office` is empty. Its
placeholders ({reference}, {first_name}, {due_date}, {tracking_link}) are filled by
plain substitution (`services/saved_replies.saved_reply_fill`), never by the template
engine. The only writers are `services/saved_replies.py`; a reply is deactivated,
never deleted (the audit chain names it).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from memnun.organisation.models import Office


class SavedReply(models.Model):
    title = models.CharField(_("title"), max_length=120)
    body_tr = models.TextField(_("text in Turkish"))
    body_en = models.TextField(_("text in English"))
    office = models.ForeignKey(
        Office, verbose_name=_("office"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="saved_replies", help_text=_("Empty means every office."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT,
        related_name="+",
    )
    created = models.DateTimeField(_("created"))
    updated = models.DateTimeField(_("updated"))

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("saved reply")
        verbose_name_plural = _("saved replies")
        indexes = [models.Index(fields=["office", "active"], name="saved_reply_office_active")]

    def __str__(self) -> str:
        return self.title
