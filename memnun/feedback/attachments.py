"""What an attachment may be: its type is read from its bytes, not its name."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

# Magic numbers of the types we accept: photos and scanned documents.
_SIGNATURES: tuple[tuple[bytes, int, str], ...] = (
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"GIF87a", 0, "image/gif"),
    (b"GIF89a", 0, "image/gif"),
    (b"%PDF-", 0, "application/pdf"),
    (b"WEBP", 8, "image/webp"),
)
ALLOWED_TYPES = frozenset(sig[2] for sig in _SIGNATURES)
_EQUIVALENT = {"image/jpg": "image/jpeg", "image/pjpeg": "image/jpeg"}


def sniff_content_type(content: bytes) -> str | None:
    for magic, offset, content_type in _SIGNATURES:
        if content[offset : offset + len(magic)] == magic:
            if content_type == "image/webp" and not content.startswith(b"RIFF"):
                continue
            return content_type
    return None


def attachment_problem(*, filename: str, declared_type: str, content: bytes) -> str | None:
    """Why this file cannot be accepted, or None when it can."""
    if not filename.strip():
        return _("A file name is required.")
    if len(content) == 0:
        return _("The file is empty.")
    if len(content) > settings.ATTACHMENT_MAX_BYTES:
        limit_mb = settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)
        return _("The file is larger than %(limit)s MB.") % {"limit": limit_mb}
    actual = sniff_content_type(content)
    if actual is None:
        return _("Only JPEG, PNG, GIF, WebP images and PDF documents are accepted.")
    declared = _EQUIVALENT.get(declared_type.lower().strip(), declared_type.lower().strip())
    if declared and declared != actual:
        return _("The file's content does not match its type.")
    return None
