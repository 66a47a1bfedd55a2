"""Staff read received mail in the admin (read-only: mail is evidence)."""

from __future__ import annotations

from django.contrib import admin

from memnun.admin_readonly import ReadOnlyAdminMixin
from memnun.mailin.models import InboundAttachment, InboundMessage
from memnun.mailin.personal_fields import INBOUND_FIELDS
from memnun.personaldata.admin import PersonalDataAdmin


class InboundAttachmentInline(
    ReadOnlyAdminMixin, admin.TabularInline[InboundAttachment, InboundMessage]
):
    model = InboundAttachment
    fields = ("filename", "content_type", "size", "sha256")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(InboundMessage)
class InboundMessageAdmin(PersonalDataAdmin):
    # Sender, subject and text are personal data: shown as memnun.personaldata.policy says.
    personal_fields = INBOUND_FIELDS
    list_display = ("received_at", "status", "feedback", "from_address", "subject", "source")
    list_filter = ("status", "source", "html_only")
    # Not by subject: the customer's words.
    search_fields = ("message_id", "feedback__reference")
    date_hierarchy = "received_at"
    list_select_related = ("feedback",)
    inlines = [InboundAttachmentInline]
    readonly_fields = (
        "message_id", "status", "reason", "feedback", "from_address", "from_name", "subject",
        "text", "html_only", "sent_at", "received_at", "headers", "notes", "size", "source",
    )
