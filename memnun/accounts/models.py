from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from memnun.accounts.roles import Role


def display_name(*, first: str | None, last: str | None, username: str) -> str:
    """How pages, reports and messages name a member of staff: their full name, else their
    username (the one rule; `User.display_name` for a loaded user, this for values rows)."""
    return f"{first or ''} {last or ''}".strip() or username


class User(AbstractUser):
    """A member of staff. Customers have no accounts."""

    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.AGENT)
    office = models.ForeignKey(
        "organisation.Office",
        verbose_name=_("office"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Empty means every office."),
    )

    @property
    def display_name(self) -> str:
        return display_name(first=self.first_name, last=self.last_name, username=self.username)


class ApiToken(models.Model):
    """A bearer token for the API. Only a hash of the token is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"token for {self.user} until {self.expires_at:%Y-%m-%d %H:%M}"
