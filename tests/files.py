"""Real files for upload tests: pictures Pillow can decode, PDFs pypdf can read, and the
hostile ones (EXIF with GPS, bytes appended, scripts, a decompression bomb)."""

from __future__ import annotations

import io

from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

# What a stranger might hide after a picture's end.
TRAILER = b"PK\x03\x04 a zip archive appended to the picture"


def png(size: tuple[int, int] = (4, 3), colour: tuple[int, int, int] = (200, 10, 10)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


# A small real PNG, for tests that only need an accepted picture.
PNG = png()


def jpeg_with_gps(*, trailer: bytes = TRAILER) -> bytes:
    """A photo whose EXIF holds the camera and where it was taken, with bytes appended."""
    image = Image.new("RGB", (16, 12), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "Secret Camera Maker"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (41.0, 1.0, 30.0)  # GPSLatitudeRef, GPSLatitude
    gps[3], gps[4] = "E", (28.0, 58.0, 10.0)  # GPSLongitudeRef, GPSLongitude
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), comment=b"taken at home")
    return out.getvalue() + trailer


def exif_of(content: bytes) -> dict[int, object]:
    """The EXIF tags a stored picture still carries (with its GPS block)."""
    with Image.open(io.BytesIO(content)) as image:
        exif = image.getexif()
        return {**dict(exif), **dict(exif.get_ifd(0x8825))}


def png_bomb(side: int = 10_000) -> bytes:
    """A one-colour picture of `side`² pixels: a few kilobytes that decode to far more."""
    out = io.BytesIO()
    Image.new("1", (side, side), 0).save(out, "PNG", optimize=True)
    return out.getvalue()


def pdf(*, javascript: bool = False, open_action: bool = False, launch: bool = False,
        embedded: bool = False) -> bytes:
    """A one-page PDF, harmless unless one of its active parts is asked for."""
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if javascript:
        script = DictionaryObject({
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('hi');"),
        })
        writer.root_object[NameObject("/Names")] = DictionaryObject({
            NameObject("/JavaScript"): DictionaryObject({
                NameObject("/Names"): ArrayObject([TextStringObject("hello"), script]),
            })
        })
    if open_action:
        writer.root_object[NameObject("/OpenAction")] = DictionaryObject({
            NameObject("/S"): NameObject("/GoTo"),
            NameObject("/D"): TextStringObject("page1"),
        })
    if launch:
        writer.pages[0][NameObject("/AA")] = DictionaryObject({
            NameObject("/O"): DictionaryObject({
                NameObject("/S"): NameObject("/Launch"),
                NameObject("/F"): TextStringObject("calc.exe"),
            })
        })
    if embedded:
        writer.add_attachment("payload.exe", b"MZ\x90\x00")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PDF = pdf()
