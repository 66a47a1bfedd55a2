"""Exports on the desk: ask for a file (CSV or XLSX), follow a large one, fetch it.

Only translation: the posted fields become an `ExportSpec`, the service makes
the file at once or starts a job (`feedback/services/exports.py`), and its
errors become 403, 404 or a page saying what was wrong.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from memnun.desk.common import refusals_as_http, staff_user
from memnun.feedback.errors import FieldErrors
from memnun.feedback.export_models import Export, ExportFormat, ExportKind, ExportStatus
from memnun.feedback.exports.tables import QUEUE_FILTERS, REPORT_FILTERS, ExportSpec, Source
from memnun.feedback.exports.writers import CONTENT_TYPES
from memnun.feedback.services.exports import (
    ExportFile,
    export_download,
    export_for_user,
    export_request,
)

_FILTERS = tuple(dict.fromkeys(REPORT_FILTERS + QUEUE_FILTERS))


class ExportForm(forms.Form):
    """The export buttons' hidden fields; the codes are checked by the service."""

    kind = forms.ChoiceField(choices=ExportKind.choices)
    format = forms.ChoiceField(choices=ExportFormat.choices)
    source = forms.ChoiceField(
        choices=[(Source.REPORT, Source.REPORT), (Source.QUEUE, Source.QUEUE)], required=False
    )
    start = forms.DateField(required=False)
    end = forms.DateField(required=False)
    by = forms.CharField(required=False, max_length=40)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for name in _FILTERS:
            self.fields[name] = forms.CharField(required=False, max_length=64)

    def spec(self) -> ExportSpec:
        data = self.cleaned_data
        source = data.get("source") or Source.REPORT
        names = QUEUE_FILTERS if data["kind"] == ExportKind.CASES and source == Source.QUEUE \
            else REPORT_FILTERS
        start: date | None = data.get("start")
        end: date | None = data.get("end")
        return ExportSpec(
            kind=data["kind"], format=data["format"], source=source, start=start, end=end,
            filters={name: data[name] for name in names if data.get(name)},
            # The dashboard's buttons all carry its Pareto key; only the Pareto uses it.
            by=(data.get("by") or "") if data["kind"] == ExportKind.PARETO else "",
        )


def _file_response(made: ExportFile) -> FileResponse:
    return FileResponse(
        made.stream, as_attachment=True, filename=made.name,
        content_type=CONTENT_TYPES[ExportFormat(made.format)],
    )


@require_POST
@login_required
def export_new(request: HttpRequest) -> HttpResponse | FileResponse:
    user = staff_user(request)
    form = ExportForm(request.POST)
    if not form.is_valid():
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
        return render(request, "desk/exports/refused.html", {"errors": errors}, status=400)
    try:
        with refusals_as_http():
            made = export_request(actor=user, spec=form.spec())
    except FieldErrors as exc:
        errors = [str(e) for field_errors in exc.fields.values() for e in field_errors]
        return render(request, "desk/exports/refused.html", {"errors": errors}, status=400)
    if isinstance(made, ExportFile):
        return _file_response(made)
    return redirect("desk:export", export_id=made.pk)


def _followed(request: HttpRequest, export_id: int) -> Export:
    with refusals_as_http():
        return export_for_user(user=staff_user(request), export_id=export_id)


def _progress_context(export: Export) -> dict[str, object]:
    return {
        "export": export,
        "waiting": export.status in (ExportStatus.QUEUED, ExportStatus.RUNNING),
        "percent": round(100 * export.done / export.total) if export.total else 0,
    }


@require_GET
@login_required
def export_page(request: HttpRequest, export_id: int) -> HttpResponse:
    export = _followed(request, export_id)
    return render(request, "desk/exports/export.html", _progress_context(export))


@require_GET
@login_required
def export_progress(request: HttpRequest, export_id: int) -> HttpResponse:
    """The progress block alone, which the page asks for every two seconds (htmx)."""
    export = _followed(request, export_id)
    return render(request, "desk/exports/_progress.html", _progress_context(export))


@require_GET
@login_required
def export_file(request: HttpRequest, export_id: int) -> FileResponse:
    with refusals_as_http():
        export, path = export_download(user=staff_user(request), export_id=export_id)
    spec = ExportSpec.from_params(kind=export.kind, format=export.format, params=export.params)
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=spec.file_name(),
        content_type=CONTENT_TYPES[ExportFormat(export.format)],
    )
