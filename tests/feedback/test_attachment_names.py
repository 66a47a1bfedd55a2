"""The name a file is stored and served under, for any name a sender may give (issue 13)."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from memnun.feedback.attachments import EXTENSIONS, content_disposition, filename_clean

TYPES = st.sampled_from(sorted(EXTENSIONS))


@settings(max_examples=300, deadline=None)
@given(name=st.text(max_size=400), content_type=TYPES)
def test_any_name_becomes_one_clean_name_with_the_detected_extension(
    name: str, content_type: str
) -> None:
    clean = filename_clean(name, content_type)
    assert clean.lower().endswith(EXTENSIONS[content_type])
    assert not any(unicodedata.category(ch).startswith("C") for ch in clean)  # no RLO, no NUL
    assert not set(clean) & set('/\\<>:"|?*')
    assert not clean.startswith(".") and 0 < len(clean) <= 160
    assert filename_clean(clean, content_type) == clean  # cleaning twice changes nothing


@settings(max_examples=300, deadline=None)
@given(name=st.text(min_size=1, max_size=200), content_type=TYPES)
def test_the_download_header_is_printable_ascii_with_the_name_encoded(
    name: str, content_type: str
) -> None:
    header = content_disposition(filename_clean(name, content_type))
    assert header.isascii() and header.isprintable()
    assert header.startswith('attachment; filename="') and "; filename*=UTF-8''" in header
    fallback = header.split('filename="', 1)[1].split('"; filename*=', 1)[0]
    assert '"' not in fallback and "\\" not in fallback


def test_the_examples_of_the_issue() -> None:
    assert filename_clean("invoice.bat", "application/pdf") == "invoice.pdf"
    assert filename_clean("fatura\u202efdp.exe", "application/pdf") == "faturafdp.pdf"
    assert filename_clean("../../etc/passwd", "image/png") == "passwd.png"
    assert filename_clean("C:\\Users\\ali\\foto.JPEG", "image/jpeg") == "foto.jpeg"
    assert filename_clean("...", "image/gif") == "file.gif"
