"""Business calendars and service targets as an administrator edits them.

Nothing here knows about feedback: a target is looked up by an opaque key
(`ack:fax`, `resolution:complaint`, …) that the feedback domain chooses.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Calendar(models.Model):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    timezone = models.CharField(_("time zone"), max_length=64, default="Europe/Istanbul")
    turkish_holidays = models.BooleanField(
        _("Turkish public holidays"), default=True,
        help_text=_("Closed on public and religious holidays; half days on their eves."),
    )
    # Bumped on every change so that every process rebuilds its cached copy.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValidationError(
                {"timezone": _("Unknown time zone, e.g. Europe/Istanbul.")}
            ) from exc


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class OpeningPeriod(models.Model):
    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="periods")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name = _("opening period")
        verbose_name_plural = _("opening periods")

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self) -> None:
        if self.opens >= self.closes:
            raise ValidationError(_("A period must close after it opens."))


class DayKind(models.TextChoices):
    CLOSED = "closed", _("Closed all day")
    HALF_DAY = "half_day", _("Closes early")
    WORKING = "working", _("Extra working day")


class CalendarDay(models.Model):
    """An exception to the weekly hours: a closure, an early close or an extra working day."""

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=16, choices=DayKind.choices)
    opens = models.TimeField(_("opens"), null=True, blank=True)
    closes = models.TimeField(_("closes"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="calendarday_unique")
        ]
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"

    def clean(self) -> None:
        if self.kind == DayKind.HALF_DAY and self.closes is None:
            raise ValidationError(_("An early close needs its closing time."))
        if self.kind == DayKind.WORKING and (
            self.opens is None or self.closes is None or self.opens >= self.closes
        ):
            raise ValidationError(_("An extra working day needs opening and closing times."))


class TargetMode(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediately (within the grace minutes)")
    BUSINESS = "business", _("Within business minutes")


# "At once" means at once: an immediate target's grace covers delivery (about a
# second to the mail server), never a working delay.
IMMEDIATE_GRACE_MAX_MINUTES = 1


class ServiceTarget(models.Model):
    """How long an obligation may take. Looked up by key, most specific first."""

    key = models.CharField(_("key"), max_length=100, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    mode = models.CharField(_("mode"), max_length=16, choices=TargetMode.choices)
    minutes = models.PositiveIntegerField(
        _("minutes"),
        help_text=_(
            "Business minutes; for immediate targets, the grace in clock minutes (0 or 1)."
        ),
    )
    warn_at_percent = models.PositiveSmallIntegerField(
        _("warn at (%)"), default=80, help_text=_("Warn the lead when this share has elapsed."),
        validators=[MaxValueValidator(100)],
    )
    # Bumped on every change, like a calendar's, so that a change is visible in the data.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["key"]
        verbose_name = _("service target")
        verbose_name_plural = _("service targets")

    def __str__(self) -> str:
        return f"{self.key}: {self.minutes} ({self.mode})"

    def clean(self) -> None:
        if self.mode == TargetMode.IMMEDIATE and (self.minutes or 0) > IMMEDIATE_GRACE_MAX_MINUTES:
            raise ValidationError({"minutes": _(
                "An immediate target allows at most %(max)s minute of grace (60 seconds)."
            ) % {"max": IMMEDIATE_GRACE_MAX_MINUTES}})
