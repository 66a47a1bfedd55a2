"""The organisation's own reference data: offices, brands, categories, the on-call rota."""

from __future__ import annotations

import phonenumbers
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Office(models.Model):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    address = models.TextField(_("address"), blank=True)
    calendar = models.ForeignKey(
        "servicelevels.Calendar", verbose_name=_("business calendar"), on_delete=models.PROTECT,
        null=True, blank=True, help_text=_("Empty means the standard calendar."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("office")
        verbose_name_plural = _("offices")

    def __str__(self) -> str:
        return self.name

    @property
    def calendar_code(self) -> str | None:
        return self.calendar.code if self.calendar is not None else None


class Brand(models.Model):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    # How customers write it when it is not the name ("Galaxy", "Apel"): matched
    # like the name (organisation/brands.py), so past and future feedback link to it.
    aliases = models.TextField(
        _("other spellings"), blank=True,
        help_text=_("One per line. Feedback that names the brand so is linked to it."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("brand")
        verbose_name_plural = _("brands")

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name_tr = models.CharField(_("name (Turkish)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    is_safety = models.BooleanField(
        _("safety hazard"), default=False, help_text=_("Cases in it follow the shorter target.")
    )
    # A personal-data matter (data loss on a device): its complaints reach the personal-data
    # contact (KVKK K13, feedback/services/assessment.py).
    is_privacy = models.BooleanField(
        _("personal-data matter"), default=False,
        help_text=_("Complaints in it alert the personal-data contact."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name_tr


class RootCauseCategory(models.Model):
    """The managed list of root causes; recurring ones feed corrective actions (CAPA)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name_tr = models.CharField(_("name (Turkish)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("root cause category")
        verbose_name_plural = _("root cause categories")

    def __str__(self) -> str:
        return self.name_tr


class OnCall(models.Model):
    """Who answers for an office out of hours: reached at once, by e-mail and SMS, about a
    safety hazard or a need for immediate action (routine alerts wait for office hours).

    A rota: one row per turn. A row with no start or end is a standing assignment;
    every row that covers the moment is alerted.
    """

    office = models.ForeignKey(
        Office, verbose_name=_("office"), on_delete=models.CASCADE, related_name="on_call"
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(
        _("mobile phone"), max_length=32, blank=True,
        help_text=_("For SMS, e.g. +90 532 123 45 67."),
    )
    starts_at = models.DateTimeField(_("on call from"), null=True, blank=True)
    ends_at = models.DateTimeField(_("on call until"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["office", "starts_at", "id"]
        verbose_name = _("on-call person")
        verbose_name_plural = _("on-call rota")

    def __str__(self) -> str:
        return f"{self.name} ({self.office})"

    def clean(self) -> None:
        errors: dict[str, list[str | Promise]] = {}
        if not self.email and not self.phone:
            errors["email"] = [_("Give an e-mail address, a mobile phone, or both.")]
        if self.phone:
            try:
                number = phonenumbers.parse(self.phone, "TR")
            except phonenumbers.NumberParseException:
                number = None
            if number is None or not phonenumbers.is_valid_number(number):
                errors["phone"] = [_("Enter a valid phone number, e.g. +90 532 123 45 67.")]
            else:
                self.phone = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = [_("The turn must end after it starts.")]
        if errors:
            raise ValidationError(errors)
