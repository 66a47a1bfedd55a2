"""The organisation's own reference data: offices, brands, categories."""

from __future__ import annotations

from django.db import models
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
