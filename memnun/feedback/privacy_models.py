"""Personal data's lifecycle on a case (KVKK): the privacy notice's versions, the
customer's consents per purpose, the disclosures of a case, and the tasks to tell each
recipient of a correction or an erasure.

Writers: `services/privacy_notice.py`, `services/consents.py`, `services/disclosures.py`.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from memnun.feedback.privacy_codes import (
    ConsentChannel,
    ConsentPurpose,
    DataCategory,
    DisclosureBasis,
    RecipientNoticeReason,
)

# The parts of a notice version that its hash covers, in this order.
NOTICE_TEXT_FIELDS = (
    "summary_tr", "summary_en", "text_tr", "text_en", "phone_script_tr", "phone_script_en",
)


def notice_hash(texts: dict[str, str]) -> str:
    """The SHA-256 of a notice's texts: what the customer was given, fixed for good."""
    digest = hashlib.sha256()
    for name in NOTICE_TEXT_FIELDS:
        digest.update(name.encode() + b"\0" + texts[name].encode() + b"\0")
    return digest.hexdigest()


class PrivacyNotice(models.Model):
    """A version of the privacy notice (aydınlatma metni, KVKK Art. 10), never edited:
    a change is a new version. The current one is the latest already in effect."""

    version = models.CharField(_("version"), max_length=32, unique=True)
    effective_from = models.DateTimeField(_("effective from"))
    summary_tr = models.TextField(_("summary (Turkish)"))
    summary_en = models.TextField(_("summary (English)"))
    text_tr = models.TextField(_("full text (Turkish)"))
    text_en = models.TextField(_("full text (English)"))
    phone_script_tr = models.TextField(_("phone script (Turkish)"))
    phone_script_en = models.TextField(_("phone script (English)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        ordering = ["-effective_from", "-id"]
        verbose_name = _("privacy notice")
        verbose_name_plural = _("privacy notices")

    def __str__(self) -> str:
        return self.version

    def in_language(self, language: str) -> dict[str, str]:
        """The summary, full text and phone script in `language` (Turkish by default)."""
        suffix = "en" if language == "en" else "tr"
        return {
            "summary": getattr(self, f"summary_{suffix}"),
            "text": getattr(self, f"text_{suffix}"),
            "phone_script": getattr(self, f"phone_script_{suffix}"),
        }


class Consent(models.Model):
    """One grant or withdrawal of explicit consent for an optional purpose, on one case.

    Append-only: the live state of a purpose is its latest row. Never copied to
    another case (a follow-up asks again).
    """

    feedback = models.ForeignKey(
        "feedback.Feedback", on_delete=models.CASCADE, related_name="consents"
    )
    purpose = models.CharField(_("purpose"), max_length=24, choices=ConsentPurpose.choices)
    granted = models.BooleanField(_("granted"))
    at = models.DateTimeField(_("at"))
    channel = models.CharField(_("recorded through"), max_length=16, choices=ConsentChannel.choices)
    notice = models.ForeignKey(
        PrivacyNotice, verbose_name=_("privacy notice"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    # The member of staff who recorded it on the customer's word; empty: the customer did.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        indexes = [models.Index(fields=["feedback", "purpose", "at"])]

    def __str__(self) -> str:
        return f"{self.purpose}={self.granted}"


class Disclosure(models.Model):
    """A case's personal data given to someone outside the organisation (KVKK Art. 8):
    a third party on the customer's consent, or a processor (the e-mail and SMS
    providers) carrying our messages. `services/disclosures.py` is the only writer."""

    feedback = models.ForeignKey(
        "feedback.Feedback", on_delete=models.CASCADE, related_name="disclosures"
    )
    recipient = models.CharField(_("recipient"), max_length=200)
    data = models.JSONField(_("data categories"), default=list)
    purpose = models.CharField(_("purpose"), max_length=500)
    basis = models.CharField(_("legal basis"), max_length=16, choices=DisclosureBasis.choices)
    # The consent on record when it was given (basis "consent").
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The message a processor carried (basis "processor"): once per message.
    message_id = models.BigIntegerField(null=True, blank=True, unique=True)
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")

    def __str__(self) -> str:
        return f"{self.recipient} ({self.at:%Y-%m-%d})"

    @property
    def data_labels(self) -> list[str]:
        return [str(DataCategory(code).label) for code in self.data]


class RecipientNotice(models.Model):
    """A task: tell a recipient of a case's data that the data was corrected or erased
    (KVKK Art. 11(1)(f)); one per recipient in the disclosure log. The personal-data
    contact works them on the desk."""

    feedback = models.ForeignKey(
        "feedback.Feedback", on_delete=models.CASCADE, related_name="recipient_notices"
    )
    recipient = models.CharField(_("recipient"), max_length=200)
    reason = models.CharField(_("reason"), max_length=16, choices=RecipientNoticeReason.choices)
    created_at = models.DateTimeField(_("created at"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("done by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("recipient notification")
        verbose_name_plural = _("recipient notifications")

    def __str__(self) -> str:
        return f"{self.recipient}: {self.reason}"
