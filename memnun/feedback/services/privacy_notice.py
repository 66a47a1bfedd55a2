"""The privacy notice's versions (KVKK Art. 10): which one is current, and recording that
a case's customer was given it.

How the notice reaches a customer depends on the channel
(`privacy_codes.NOTICE_GIVEN_BY_CHANNEL`): on the web form, read out on the
phone, in person, or — where the customer wrote first — with the
acknowledgement, stamped when the acknowledgement is given.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from memnun.configcache import config_get, config_instance, config_watch
from memnun.feedback.models import Feedback
from memnun.feedback.privacy_codes import NoticeGiven
from memnun.feedback.privacy_models import PrivacyNotice, notice_hash
from memnun.feedback.privacy_notice_text import FIRST_VERSION, Controller, notice_texts

config_watch(PrivacyNotice)


def controller_from_settings() -> Controller:
    """The controller and providers the notice names (MEMNUN_CONTROLLER_*, *_PROVIDER)."""
    return Controller(
        name=settings.MEMNUN_CONTROLLER_NAME,
        address=settings.MEMNUN_CONTROLLER_ADDRESS,
        email=settings.MEMNUN_CONTROLLER_EMAIL,
        email_provider=settings.MEMNUN_EMAIL_PROVIDER,
        sms_provider=settings.MEMNUN_SMS_PROVIDER,
    )


def notice_publish(
    *, version: str, texts: dict[str, str], effective_from: datetime
) -> PrivacyNotice:
    """A new version of the notice, its hash computed from its texts."""
    return PrivacyNotice.objects.create(
        version=version, effective_from=effective_from, sha256=notice_hash(texts), **texts
    )


def notice_current(*, now: datetime | None = None) -> PrivacyNotice:
    """The version in effect at `now`: the latest whose date has come.

    The first version is seeded by a migration; should the table be empty (a flushed
    test database), it is published again from the product's text.
    """
    at = now or timezone.now()
    # The few versions, newest first, through the configuration cache (memnun.configcache):
    # read on every intake. Chosen here by date, so a version that takes effect later is
    # picked from the moment it does.
    versions = config_get("privacy_notices", lambda: tuple(PrivacyNotice.objects.all()))
    notice = next((v for v in versions if v.effective_from <= at), None)
    if notice is not None:
        return config_instance(notice)
    notice = PrivacyNotice.objects.filter(version=FIRST_VERSION).first()
    if notice is not None:
        return notice
    try:
        # Parallel intakes may all find the table empty: one publishes, the others
        # read what it published (a savepoint keeps the caller's transaction usable).
        with transaction.atomic():
            return notice_publish(
                version=FIRST_VERSION, texts=notice_texts(controller_from_settings()),
                effective_from=at,
            )
    except IntegrityError:
        return PrivacyNotice.objects.get(version=FIRST_VERSION)


def notice_given_with_acknowledgement(*, feedback: Feedback, at: datetime) -> None:
    """The acknowledgement carried the notice: stamp when, once (in the caller's transaction)."""
    if feedback.privacy_notice_given == NoticeGiven.ACKNOWLEDGEMENT and (
        feedback.privacy_notice_at is None
    ):
        Feedback.objects.filter(pk=feedback.pk, privacy_notice_at__isnull=True).update(
            privacy_notice_at=at
        )
        feedback.privacy_notice_at = at
