"""Admin: the outbox (read-only, with "retry now"), message templates with a preview, letters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template import TemplateSyntaxError
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.clickjacking import xframe_options_sameorigin

from memnun.notifications.kinds import KINDS, SAMPLES
from memnun.notifications.letters import letter_mark_printed
from memnun.notifications.models import Letter, MessageStatus, MessageTemplate, OutboundMessage
from memnun.notifications.outbox import message_retry
from memnun.notifications.personal_fields import (
    OUTBOUND_FIELDS,
    error_with_recipient,
    recipient_kind,
)
from memnun.notifications.rendering import Rendered, render_fields, sandbox_compile
from memnun.personaldata.admin import PersonalDataAdmin
from memnun.personaldata.policy import Interface, present


def _delivery_error(role: str) -> Any:
    """The last delivery error with the recipient it quotes (mail servers do) shown as the
    recipient column shows it: the operator still reads why delivery failed."""

    def last_error(obj: OutboundMessage) -> str:
        shown = present(value=obj.recipient, field=recipient_kind(obj.channel), role=role,
                        interface=Interface.ADMIN)
        return error_with_recipient(error=obj.last_error, recipient=obj.recipient, shown=shown)

    last_error.short_description = _("last error")  # type: ignore[attr-defined]
    return last_error


@admin.register(OutboundMessage)
class OutboundMessageAdmin(PersonalDataAdmin):
    # Recipient and texts are personal data: shown as memnun.personaldata.policy says.
    personal_fields = OUTBOUND_FIELDS
    list_display = (
        "created_at", "kind", "channel", "recipient", "thread_key", "status", "attempts",
        "next_attempt_at", "sent_at",
    )
    list_filter = ("status", "channel", "kind", "language")
    # Not by recipient: a search would confirm whose messages these are.
    search_fields = ("thread_key", "idempotency_key", "message_id")
    date_hierarchy = "created_at"
    actions = ["retry_now"]
    fields = (
        "kind", "channel", "recipient", "language", "thread_key", "status", "attempts",
        "next_attempt_at", "last_error", "created_at", "sent_at", "provider_message_id",
        "message_id", "idempotency_key", "reply_to", "headers", "subject", "text", "html",
        "source_type", "source_id", "callback_task", "claimed_by", "lease_until",
    )
    readonly_fields = fields

    def _through_policy(self, request: HttpRequest, names: Any) -> list[Any]:
        role = str(getattr(request.user, "role", ""))
        return [
            _delivery_error(role) if name == "last_error" else name
            for name in super()._through_policy(request, names)
        ]

    @admin.action(description=_("Retry now (dead or failing messages)"),
                  permissions=["view"])
    def retry_now(self, request: HttpRequest, queryset: QuerySet[OutboundMessage]) -> None:
        if not request.user.is_superuser:
            self.message_user(request, _("Only administrators may retry messages."),
                              messages.ERROR)
            return
        retried = sum(
            message_retry(message=m, actor=request.user.get_username())
            for m in queryset.filter(status__in=[MessageStatus.DEAD, MessageStatus.FAILED])
        )
        self.message_user(request, _("%(count)d message(s) queued again.") % {"count": retried})


class MessageTemplateForm(forms.ModelForm[MessageTemplate]):
    kind = forms.ChoiceField(choices=[(k, k) for k in KINDS])

    class Meta:
        model = MessageTemplate
        fields = ["kind", "language", "active", "subject", "text", "html", "sms"]
        help_texts = {
            "text": _("Django template syntax without custom tags; empty fields use the"
                      " built-in wording. Variables: see the preview."),
        }

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        for field in ("subject", "text", "html", "sms"):
            source = cleaned.get(field) or ""
            if not source:
                continue
            try:
                sandbox_compile(source, html=field == "html")
            except TemplateSyntaxError as exc:
                self.add_error(field, str(exc))
        return cleaned


def template_preview(template: MessageTemplate) -> Rendered:
    """The template rendered with the sample values of its kind (the file for empty fields)."""
    return render_fields(
        kind=template.kind, language=template.language,
        context=SAMPLES.get(template.kind, {}), override=template,
    )


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin[MessageTemplate]):
    form = MessageTemplateForm
    list_display = ("kind", "language", "active", "updated_at")
    list_filter = ("kind", "language", "active")
    actions = ["preview"]

    def get_urls(self) -> list[URLPattern]:
        return [
            path("<path:object_id>/preview/", self.admin_site.admin_view(self.preview_view),
                 name="notifications_messagetemplate_preview"),
            path("<path:object_id>/preview/html/",
                 self.admin_site.admin_view(self.preview_html_view),
                 name="notifications_messagetemplate_preview_html"),
            *super().get_urls(),
        ]

    def _template(self, request: HttpRequest, object_id: str) -> MessageTemplate:
        template = get_object_or_404(MessageTemplate, pk=object_id)
        if not self.has_view_permission(request, template):
            raise Http404
        return template

    @admin.action(description=_("Preview with sample data"))
    def preview(self, request: HttpRequest, queryset: QuerySet[MessageTemplate]) -> Any:
        first = queryset.first()
        if first is None:
            return None
        return redirect(reverse("admin:notifications_messagetemplate_preview", args=[first.pk]))

    def preview_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        template = self._template(request, object_id)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Preview: %(template)s") % {"template": template},
            "template": template,
            "rendered": template_preview(template),
            "sample": sorted(SAMPLES.get(template.kind, {}).items()),
            "opts": self.model._meta,
            "html_url": reverse(
                "admin:notifications_messagetemplate_preview_html", args=[template.pk]
            ),
        }
        return TemplateResponse(
            request, "admin/notifications/messagetemplate/preview.html", context
        )

    def preview_html_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        template = self._template(request, object_id)
        response = HttpResponse(template_preview(template).html)
        # Shown in a sandboxed frame of the preview page: its own styles, nothing else.
        response._csp_config = {  # type: ignore[attr-defined]
            "default-src": ["'none'"], "style-src": ["'unsafe-inline'"],
            "img-src": ["data:"], "frame-ancestors": ["'self'"],
        }
        return xframe_options_sameorigin(lambda r: response)(request)


@admin.register(Letter)
class LetterAdmin(admin.ModelAdmin[Letter]):
    list_display = ("created_at", "message", "pages", "printed_at", "printed_by")
    list_filter = (("printed_at", admin.EmptyFieldListFilter),)
    readonly_fields = ("message", "file", "pages", "created_at", "printed_at", "printed_by")
    actions = ["mark_printed"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        return [
            path("<path:object_id>/pdf/", self.admin_site.admin_view(self.pdf_view),
                 name="notifications_letter_pdf"),
            *super().get_urls(),
        ]

    def pdf_view(self, request: HttpRequest, object_id: str) -> FileResponse:
        letter = get_object_or_404(Letter, pk=object_id)
        if not self.has_view_permission(request, letter):
            raise Http404
        return FileResponse(letter.file.open("rb"), content_type="application/pdf",
                            filename=f"letter-{letter.pk}.pdf")

    @admin.action(description=_("Mark as printed (posted today)"))
    def mark_printed(self, request: HttpRequest, queryset: QuerySet[Letter]) -> None:
        user = request.user if request.user.is_authenticated else None
        done = sum(
            letter_mark_printed(letter=letter, by=user)
            for letter in queryset.filter(printed_at__isnull=True)
        )
        self.message_user(request, _("%(count)d letter(s) marked printed.") % {"count": done})
