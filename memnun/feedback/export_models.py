"""An export file made in the background: who asked for what, how far it has got, where it is.

A small export is made in the request and leaves no row (only its audit event);
one over `MEMNUN_EXPORT_SYNC_MAX_ROWS` rows gets an `Export`, a job
(`feedback/tasks.py: export_build`) writes the file under MEDIA_ROOT and the
desk polls `done`/`total`. Only the requester (and an administrator) may
download it, until `expires_at`; the cleanup job then deletes the file.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportKind(models.TextChoices):
    KPI = "kpi", _("KPI report")
    PARETO = "pareto", _("Pareto report")
    CASES = "cases", _("Case list")


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Being written")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired")


class Export(models.Model):
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=8, choices=ExportKind.choices)
    format = models.CharField(_("format"), max_length=4, choices=ExportFormat.choices)
    # What was asked for, as the export request gives it: the source of a case list
    # (report or queue), the period, the filters (codes only, never personal data).
    params = models.JSONField(_("what and filters"), default=dict)
    status = models.CharField(
        _("status"), max_length=8, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    done = models.PositiveIntegerField(_("rows written"), default=0)
    total = models.PositiveIntegerField(_("rows in all"), default=0)
    # Relative to MEDIA_ROOT (never served directly); empty until written and after expiry.
    file = models.CharField(_("file"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        indexes = [models.Index(fields=["status", "expires_at"], name="export_expiry")]

    def __str__(self) -> str:
        return f"export {self.pk} ({self.kind}, {self.format})"
