from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin

from memnun.accounts.roles import Role


def display_name(*, first: str | None, last: str | None, username: str) -> str:
    """How pages, reports and messages name a member of staff: their full name, else their
    username (the one rule; `User.display_name` for a loaded user, this for values rows)."""
    return f"{first or ''} {last or ''}".strip() or username


class User(AbstractUser):  # type: ignore[django-manager-missing]  # django-otp is untyped
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


def secret_digest(raw: str) -> str:
    """How a random secret (an API token, a recovery code) is kept: its SHA-256 only.
    The secrets are long and random, so a fast hash is enough."""
    return hashlib.sha256(raw.encode()).hexdigest()


def recovery_code_normal(raw: str) -> str:
    """A recovery code as typed, without the dash, spaces and capitals it may be typed with."""
    return "".join(raw.split()).replace("-", "").lower()


class RecoveryCodeDevice(ThrottlingMixin, Device):  # type: ignore[misc]
    """A staff member's one-time recovery codes, for when their phone is not at hand.

    A django-otp device, so that a recovery code verifies a session as the app's code
    does; each code works once and only its hash is stored (unlike django-otp's static
    device, which keeps the codes themselves)."""

    class Meta(Device.Meta):  # type: ignore[misc]
        verbose_name = _("recovery codes")

    def get_throttle_factor(self) -> int:
        return 1

    def verify_token(self, token: Any) -> bool:
        allowed, _why = self.verify_is_allowed()
        if not allowed:
            return False
        used, _rows = self.codes.filter(
            code_hash=secret_digest(recovery_code_normal(str(token)))
        ).delete()
        if used:
            self.throttle_reset(commit=True)
            return True
        self.throttle_increment(commit=True)
        return False


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"recovery code of {self.device.user}"
