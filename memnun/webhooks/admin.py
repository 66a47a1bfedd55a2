"""Admin: subscriptions (the secret generated and shown once) and the read-only delivery
log with "redeliver"."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from memnun.admin_readonly import ReadOnlyAdminMixin
from memnun.audit.chain import audit_record
from memnun.personaldata.fields import PersonalField
from memnun.personaldata.policy import Interface, present
from memnun.webhooks.models import WebhookDelivery, WebhookEvent, WebhookSubscription
from memnun.webhooks.services import subscription_enable, url_refusal, webhook_redeliver
from memnun.webhooks.signing import secret_generate


class SubscriptionForm(forms.ModelForm):  # type: ignore[type-arg]
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=_("events"), choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookSubscription
        fields = ("name", "url", "events", "active", "allow_personal_data")

    def clean_url(self) -> str:
        url = str(self.cleaned_data["url"])
        refusal = url_refusal(url)
        if refusal:
            raise forms.ValidationError(refusal)
        return url


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = SubscriptionForm
    list_display = ("name", "url", "active", "allow_personal_data", "failure_count",
                    "disabled_at")
    list_filter = ("active", "allow_personal_data")
    readonly_fields = ("failure_count", "disabled_at", "disabled_reason", "created_at")
    actions = ["new_secret"]

    def save_model(self, request: HttpRequest, obj: WebhookSubscription, form: Any,
                   change: bool) -> None:
        actor = request.user.get_username()
        with transaction.atomic():
            was_active = (WebhookSubscription.objects.filter(pk=obj.pk)
                          .values_list("active", flat=True).first() if change else None)
            if not change:
                obj.secret = secret_generate()
            obj.save()
            audit_record(actor=actor, action="webhook.saved", object_type="webhook_subscription",
                         object_id=str(obj.pk),
                         data={"name": obj.name, "events": obj.events, "active": obj.active,
                               "allow_personal_data": obj.allow_personal_data})
            if change and obj.active and was_active is False:
                subscription_enable(subscription=obj, actor=actor)
        if not change:
            self._show_secret(request, obj)

    def _show_secret(self, request: HttpRequest, obj: WebhookSubscription) -> None:
        messages.warning(request, _(
            "The signing secret of “%(name)s” is %(secret)s — copy it now: it is not shown "
            "again."
        ) % {"name": obj.name, "secret": obj.secret})

    @admin.action(description=_("Generate a new signing secret"))
    def new_secret(self, request: HttpRequest, queryset: QuerySet[WebhookSubscription]) -> None:
        for obj in queryset:
            with transaction.atomic():
                obj.secret = secret_generate()
                obj.save(update_fields=["secret"])
                audit_record(actor=request.user.get_username(), action="webhook.secret_rotated",
                             object_type="webhook_subscription", object_id=str(obj.pk), data={})
            self._show_secret(request, obj)


_CUSTOMER_FIELDS = {"name": PersonalField.NAME, "email": PersonalField.EMAIL,
                    "phone": PersonalField.PHONE}


def _payload_column(role: str) -> Callable[[WebhookDelivery], str]:
    """The payload with the customer's details (when it carries them) as the personal-data
    policy shows them to this role in the admin."""

    def payload(obj: WebhookDelivery) -> str:
        body = json.loads(obj.payload)
        customer = body.get("customer")
        if isinstance(customer, dict):
            body["customer"] = {
                key: present(value=str(value), field=_CUSTOMER_FIELDS[key], role=role,
                             interface=Interface.ADMIN) if key in _CUSTOMER_FIELDS else value
                for key, value in customer.items()
            }
        return json.dumps(body, ensure_ascii=False, indent=2, sort_keys=True)

    payload.short_description = _("payload")  # type: ignore[attr-defined]
    return payload


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("created_at", "subscription", "event", "attempt", "status_code",
                    "delivered_at", "error")
    list_filter = ("event", "subscription")
    search_fields = ("event_id",)
    date_hierarchy = "created_at"
    actions = ["redeliver"]
    fields = ("subscription", "event", "event_id", "message_id", "attempt", "status_code",
              "response_excerpt", "error", "created_at", "delivered_at", "payload")

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Sequence[Any]:  # type: ignore[override]
        role = str(getattr(request.user, "role", ""))
        return [_payload_column(role) if name == "payload" else name
                for name in super().get_fields(request, obj)]

    def get_readonly_fields(  # type: ignore[override]
        self, request: HttpRequest, obj: Any = None
    ) -> Sequence[Any]:
        return self.get_fields(request, obj)

    @admin.action(description=_("Redeliver now"))
    def redeliver(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        queued = refused = 0
        for delivery in queryset.select_related("subscription"):
            if webhook_redeliver(delivery=delivery, actor=request.user.get_username()):
                queued += 1
            else:
                refused += 1
        if queued:
            messages.success(request, _("%(count)s event(s) queued again.") % {"count": queued})
        if refused:
            messages.error(request, _(
                "%(count)s event(s) not queued: their subscription is disabled."
            ) % {"count": refused})
