"""Staff two-factor: who must give a one-time code, enrolment of a TOTP app with its
recovery codes, and checking a code (docs/security.md, "Staff two-factor").

A member of staff who has enrolled gives a code after the password, whatever their role;
the roles in MEMNUN_TWO_FACTOR_ROLES (everyone with MEMNUN_TWO_FACTOR_EVERYONE) must
enrol before they may do anything else. Only the demo configuration waives that for the
users who have not enrolled. The desk's gate, the desk's pages and the API's token
exchange all ask these functions.
"""

from __future__ import annotations

import secrets
from base64 import b32encode
from enum import StrEnum

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from memnun.accounts.models import (
    RecoveryCode,
    RecoveryCodeDevice,
    User,
    recovery_code_normal,
    secret_digest,
)
from memnun.audit.chain import audit_record

RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
_RECOVERY_LENGTH = 10


class Step(StrEnum):
    """What a signed-in member of staff owes before the desk, after the password."""

    VERIFY = "verify"  # has enrolled: give the code
    ENROL = "enrol"  # must enrol first (their role requires it)


def two_factor_required(*, user: User) -> bool:
    """Whether the user's role (or the installation) requires two-factor of them."""
    if settings.MEMNUN_TWO_FACTOR_WAIVED:
        return False
    return settings.MEMNUN_TWO_FACTOR_EVERYONE or user.role in settings.MEMNUN_TWO_FACTOR_ROLES


def two_factor_enrolled(*, user: User) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def two_factor_step(*, user: User) -> Step | None:
    """What the user owes after the password: a code, an enrolment, or nothing."""
    if two_factor_enrolled(user=user):
        return Step.VERIFY
    if two_factor_required(user=user):
        return Step.ENROL
    return None


def totp_pending(*, user: User) -> TOTPDevice:
    """The TOTP device being enrolled: the same secret until it is confirmed, so that
    reloading the page does not change the QR code already scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=False)
    return device


def totp_secret_text(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app by hand."""
    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def totp_qr_svg(device: TOTPDevice) -> str:
    """The app's configuration URL as an inline SVG QR code (no image request, no script)."""
    image = qrcode.make(
        device.config_url,
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        box_size=8,
    )
    svg: str = image.to_string(encoding="unicode")
    return svg


def totp_confirm(*, user: User, code: str) -> list[str] | None:
    """Confirm the pending TOTP device with a code from the app; on success, the ten new
    recovery codes (to be shown once: only their hashes are kept). None for a wrong code."""
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("pk")
            .first()
        )
        if device is None or not device.verify_token(code.strip()):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        codes = _recovery_codes_replace(user=user)
        audit_record(
            actor=user.get_username(),
            action="accounts.two_factor_enrolled",
            object_type="user",
            object_id=str(user.pk),
            data={"recovery_codes": len(codes)},
        )
    return codes


def _recovery_codes_replace(*, user: User) -> list[str]:
    RecoveryCodeDevice.objects.filter(user=user).delete()
    device = RecoveryCodeDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    RecoveryCode.objects.bulk_create(
        RecoveryCode(device=device, code_hash=secret_digest(recovery_code_normal(code)))
        for code in codes
    )
    return codes


def recovery_codes_left(*, user: User) -> int:
    return RecoveryCode.objects.filter(device__user=user).count()


def otp_check(*, user: User, code: str) -> Device | None:
    """The confirmed device that accepts the code (the app's six digits, or a recovery
    code, which is used up), or None. Wrong codes slow the device down (django-otp's
    throttling); a used recovery code is audited."""
    code = code.strip()
    if not code:
        return None
    app_code = code.isdigit()
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if isinstance(device, RecoveryCodeDevice) == app_code:
                continue
            if not device.verify_token(code):
                continue
            if isinstance(device, RecoveryCodeDevice):
                audit_record(
                    actor=user.get_username(),
                    action="accounts.recovery_code_used",
                    object_type="user",
                    object_id=str(user.pk),
                    data={"left": device.codes.count()},
                )
            return device
    return None


def two_factor_remove(*, user: User, actor: str) -> bool:
    """Turn off a user's two-factor (lost phone): their app and recovery codes go; they
    enrol again at their next sign-in if their role requires it. Audited."""
    with transaction.atomic():
        apps, _a = TOTPDevice.objects.filter(user=user).delete()
        recovery, _r = RecoveryCodeDevice.objects.filter(user=user).delete()
        if not apps and not recovery:
            return False
        audit_record(
            actor=actor,
            action="accounts.two_factor_removed",
            object_type="user",
            object_id=str(user.pk),
            data={"devices": apps},
        )
    return True
