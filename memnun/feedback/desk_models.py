"""What the desk keeps per member of staff: their saved views and when they last looked.

A saved view is only a name for a filter query string: the queue reads it through
the one filter reader (`selectors/work_filters.py`), so a view never holds a rule.
`services/desk_views.py` is the only writer of both models.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

VIEW_NAME_MAX = 80
VIEW_QUERY_MAX = 500


class SavedView(models.Model):
    """A filter of the work queue a user named to reuse; theirs alone."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    name = models.CharField(_("name"), max_length=VIEW_NAME_MAX)
    # The canonical query string (`work_filters.filters_query`): "assigned=me&deadline=overdue".
    query = models.CharField(_("filters"), max_length=VIEW_QUERY_MAX)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="savedview_user_name")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.user_id})"


class HomeLook(models.Model):
    """When the user opened their home: "answered since I last looked" counts from the
    visit before the current one, so the answers stay listed while this visit lasts."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="home_look"
    )
    previous_at = models.DateTimeField(null=True, blank=True)
    current_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"home of {self.user_id} at {self.current_at}"
