"""What an attachment may be, and what we keep of it: nothing the sender says is trusted.

- Its type is read from its first bytes, never from its name or the declared type.
- Its name is cleaned (no path, no control or bidirectional characters) and its
  extension is the one of the detected type: `invoice.bat` holding a PDF is `invoice.pdf`.
- An image is decoded and encoded again, so only its pixels are stored: EXIF (GPS),
  comments and anything appended after the image are gone; a picture with more
  pixels than `ATTACHMENT_MAX_PIXELS` (a decompression bomb) is refused.
- A PDF that can run something (JavaScript, an action on opening, launching a
  program) or carries embedded files is refused; so is one we cannot read.
- Downloads go out as attachments under that clean name, with the detected type and
  `nosniff`, so no browser renders or guesses them.

Every interface (the web form, the desk, the API, mail-in) goes through
`attachment_prepare`; `attachment_save` is the one writer of a stored file.
"""

from __future__ import annotations

import hashlib
import io
import unicodedata
import warnings
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import quote

from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
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
# What a browser or mail program says when it does not know the type: no declaration at all.
_UNDECLARED = frozenset({"", "application/octet-stream", "binary/octet-stream",
                         "application/x-download"})

# The extension a stored file gets for its detected type; the first is the one given.
EXTENSIONS: dict[str, tuple[str, ...]] = {
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "image/gif": (".gif",),
    "image/webp": (".webp",),
    "application/pdf": (".pdf",),
}
_PILLOW_FORMAT = {"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF",
                  "image/webp": "WEBP"}

# What makes a PDF do something when opened, or carry another file (PDF 2.0, 12.6, 7.11).
_PDF_ACTIVE_KEYS = frozenset({
    "/JavaScript", "/JS", "/OpenAction", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/EF",
})
_PDF_ACTIVE_ACTIONS = frozenset({"/JavaScript", "/Launch"})
_PDF_MAX_OBJECTS = 200_000
_NAME_MAX = 150
# Room for a form's text fields beside its files, in an upload request's limit.
_FORM_FIELDS_BYTES = 1024 * 1024
_NOT_IN_NAMES = set('<>:"/\\|?*')


class AttachmentRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class PreparedFile:
    """A file as we store it: its clean name, detected type and the bytes we keep."""

    filename: str
    content_type: str
    content: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def sniff_content_type(content: bytes) -> str | None:
    for magic, offset, content_type in _SIGNATURES:
        if content[offset : offset + len(magic)] == magic:
            if content_type == "image/webp" and not content.startswith(b"RIFF"):
                continue
            return content_type
    return None


def size_problem(size: int) -> str | None:
    """Why a file of this many bytes is refused (read before its bytes are)."""
    if size == 0:
        return _("The file is empty.")
    if size > settings.ATTACHMENT_MAX_BYTES:
        limit_mb = settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)
        return _("The file is larger than %(limit)s MB.") % {"limit": limit_mb}
    return None


def count_problem(count: int) -> str | None:
    if count > settings.ATTACHMENT_MAX_COUNT:
        return _("At most %(count)s files may be attached.") % {
            "count": settings.ATTACHMENT_MAX_COUNT
        }
    return None


def upload_request_max_bytes() -> int:
    """The largest upload request a web page takes: every file at its limit, and the form."""
    return settings.ATTACHMENT_MAX_COUNT * settings.ATTACHMENT_MAX_BYTES + _FORM_FIELDS_BYTES


def upload_request_problem() -> str:
    """What a web page says when an upload is over its limit (413)."""
    return _(
        "Nothing was saved: the files are too large. Attach at most %(count)s files of up to"
        " %(limit)s MB each and send the form again."
    ) % {"count": settings.ATTACHMENT_MAX_COUNT,
         "limit": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)}


def filename_clean(name: str, content_type: str) -> str:
    """The name shown and served: its last path part, without control, format (bidi,
    zero-width) or reserved characters, with the extension of the detected type."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    kept = []
    for ch in name:
        category = unicodedata.category(ch)
        if category.startswith("C"):
            continue  # Cc control, Cf format (U+202E…), Cs, Co, Cn
        kept.append(" " if category.startswith("Z") else "_" if ch in _NOT_IN_NAMES else ch)
    name = " ".join("".join(kept).split()).strip(". ")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    allowed = EXTENSIONS[content_type]
    suffix = f".{extension.lower()}" if f".{extension.lower()}" in allowed else allowed[0]
    stem = stem.strip(". ")[:_NAME_MAX].rstrip(". ") or "file"
    return stem + suffix


def _pdf_problem(content: bytes) -> str | None:
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return _("Password-protected PDF documents are not accepted.")
        stack: list[object] = [reader.trailer]
        seen: set[tuple[int, int]] = set()
        while stack:
            item = stack.pop()
            if isinstance(item, IndirectObject):
                if (item.idnum, item.generation) in seen:
                    continue
                seen.add((item.idnum, item.generation))
                if len(seen) > _PDF_MAX_OBJECTS:
                    return _("This PDF document cannot be read.")
                item = item.get_object()
            if isinstance(item, DictionaryObject):
                for key, value in item.items():
                    if key in _PDF_ACTIVE_KEYS or (key == "/S" and value in _PDF_ACTIVE_ACTIONS):
                        return _(
                            "PDF documents with scripts, automatic actions or embedded files"
                            " are not accepted. Print it to a new PDF or send a scan instead."
                        )
                    stack.append(value)
            elif isinstance(item, ArrayObject):
                stack.extend(item)
    except Exception:  # any failure to parse is a document we cannot vouch for
        return _("This PDF document cannot be read.")
    return None


def _too_many_pixels() -> str:
    return _("The image is too large: at most %(limit)s million pixels.") % {
        "limit": settings.ATTACHMENT_MAX_PIXELS // 1_000_000
    }


def _image_reencoded(content: bytes, content_type: str) -> bytes:
    """The picture's pixels in a new file of the same type: no metadata, nothing appended."""
    from PIL import Image, ImageOps, ImageSequence

    unreadable = _("This image cannot be read.")
    fmt = _PILLOW_FORMAT[content_type]
    try:
        with warnings.catch_warnings():
            # Pillow's own bomb warning (over its limit) is a refusal too, never just a log line.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(content), formats=[fmt])
        with image:
            frames = getattr(image, "n_frames", 1)
            width, height = image.size
            if width * height * frames > settings.ATTACHMENT_MAX_PIXELS:
                raise AttachmentRefused(_too_many_pixels())
            out = io.BytesIO()
            if frames > 1:
                copies = []
                for frame in ImageSequence.Iterator(image):
                    duration = frame.info.get("duration", 100)
                    copy = frame.copy()
                    copy.info = {"duration": duration}
                    copies.append(copy)
                first, *rest = copies
                first.save(out, format=fmt, save_all=True, append_images=rest,
                           duration=[c.info["duration"] for c in copies],
                           loop=image.info.get("loop", 0))
            else:
                image.load()
                clean = ImageOps.exif_transpose(image)  # a new image, upright
                clean.info = {k: v for k, v in image.info.items() if k == "transparency"}
                options: dict[str, object] = {"quality": 90} if fmt in ("JPEG", "WEBP") else {}
                clean.save(out, format=fmt, **options)
            return out.getvalue()
    except AttachmentRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise AttachmentRefused(_too_many_pixels()) from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, KeyError, TypeError):
        raise AttachmentRefused(unreadable) from None


def attachment_prepare(*, filename: str, declared_type: str, content: bytes) -> PreparedFile:
    """The file as we keep it, or `AttachmentRefused` saying why it cannot be accepted."""
    if not filename.strip():
        raise AttachmentRefused(_("A file name is required."))
    problem = size_problem(len(content))
    if problem:
        raise AttachmentRefused(problem)
    actual = sniff_content_type(content)
    if actual is None:
        raise AttachmentRefused(
            _("Only JPEG, PNG, GIF, WebP images and PDF documents are accepted.")
        )
    declared = declared_type.lower().split(";")[0].strip()
    declared = _EQUIVALENT.get(declared, declared)
    if declared not in _UNDECLARED and declared != actual:
        raise AttachmentRefused(_("The file's content does not match its type."))
    if actual == "application/pdf":
        problem = _pdf_problem(content)
        if problem:
            raise AttachmentRefused(problem)
        kept = content
    else:
        kept = _image_reencoded(content, actual)
    return PreparedFile(filename=filename_clean(filename, actual), content_type=actual,
                        content=kept)


def attachment_problem(*, filename: str, declared_type: str, content: bytes) -> str | None:
    """Why this file cannot be accepted, or None when it can."""
    try:
        attachment_prepare(filename=filename, declared_type=declared_type, content=content)
    except AttachmentRefused as exc:
        return exc.message
    return None


class StoredFile(Protocol):
    """A row holding one stored file (a case's attachment, an e-mail's)."""

    file: FieldFile
    filename: str
    content_type: str
    size: int
    sha256: str

    def save(self) -> None: ...


def attachment_save(*, row: StoredFile, prepared: PreparedFile) -> None:
    """Write the prepared file and its row (inside the caller's transaction)."""
    digest = prepared.sha256
    row.filename = prepared.filename
    row.content_type = prepared.content_type
    row.size = len(prepared.content)
    row.sha256 = digest
    row.file.save(digest, ContentFile(prepared.content), save=False)
    row.save()


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback name and the UTF-8 name (RFC 6266, RFC 8187)."""
    fallback = "".join(
        ch if ch.isascii() and ch.isprintable() and ch not in '"\\%;' else "_" for ch in
        unicodedata.normalize("NFKD", filename) if not unicodedata.combining(ch)
    )
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def attachment_response(row: StoredFile) -> FileResponse:
    """A stored file as a download: never shown inline, never type-guessed."""
    content_type = row.content_type if row.content_type in ALLOWED_TYPES else (
        "application/octet-stream"
    )
    response = FileResponse(row.file.open("rb"), content_type=content_type)
    # Rows stored before names were cleaned are served under a clean name too.
    name = filename_clean(row.filename, content_type) if content_type in EXTENSIONS else (
        row.filename
    )
    response["Content-Disposition"] = content_disposition(name)
    response["X-Content-Type-Options"] = "nosniff"
    return response
