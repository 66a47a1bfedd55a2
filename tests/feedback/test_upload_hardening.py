"""Uploads trust nothing the sender says (issue 13), through every door that takes files:
the public web form, the desk's intake and case page, the API. (Mail-in: tests/mailin.)

- the name is cleaned and its extension is the detected type's;
- a request over the limit, or with too many files, is refused (413) before it is read;
- PDFs that can run something are refused, pictures are re-encoded (no EXIF/GPS, nothing
  appended, a pixel limit);
- downloads are attachments with a safe RFC 6266 name, the detected type and nosniff.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from memnun.feedback.models import Attachment, Feedback
from tests import files
from tests.casework import StaffApi, case_in
from tests.conftest import feedback_payload
from tests.desk.helpers import signed_in
from tests.portal.test_portal_pages import form_data

pytestmark = pytest.mark.django_db

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: "fatura‮fdp.exe" shows as "faturaexe.pdf"


def _upload(name: str, content: bytes, content_type: str = "") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def _stored(row: Attachment) -> bytes:
    with row.file.open("rb") as f:
        return f.read()


def _stored_files() -> list[Path]:
    root = Path(django_settings.MEDIA_ROOT) / "attachments"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


class _Unreadable:
    """A request body that fails the test if anything reads it."""

    def read(self, *args: Any) -> bytes:
        raise AssertionError("the upload was read before it was refused")

    readline = read


@pytest.fixture(autouse=True)
def _own_file_store(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path  # so "nothing was written" looks at this test's files only


@pytest.fixture
def english() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def staff_api(api: Client, staff_headers: Callable[[str], dict[str, str]]) -> StaffApi:
    return StaffApi(api, staff_headers)


# --- 1. The name: no path, no control or bidi characters, the detected type's extension ----


def test_web_form_stores_a_pdf_named_bat_as_pdf_and_strips_the_rtl_override(
    demo: None, english: Client
) -> None:
    response = english.post("/feedback/new/", form_data(english, attachments=[
        _upload("invoice.bat", files.PDF, "application/octet-stream"),
        _upload(f"..\\..\\fatura{RLO}gnp.exe", files.PNG, "image/png"),
    ]))
    assert response.status_code == 302, response.content.decode()[:2000]
    names = sorted(Attachment.objects.values_list("filename", "content_type"))
    assert names == [("faturagnp.png", "image/png"), ("invoice.pdf", "application/pdf")]


def test_desk_intake_and_case_page_store_the_detected_extension(demo: None) -> None:
    client = signed_in("agent")
    response = client.post("/desk/intake/letter/", {
        "type": "complaint", "subject": "Mektup", "description": "Müşteri mektup yazdı.",
        "name": "Işıl Öztürk", "phone": "0532 123 45 67", "language": "tr",
        "privacy_notice": "on", "attachments": _upload("tarama.bat", files.PDF),
    })
    assert response.status_code == 302
    assert Attachment.objects.get().filename == "tarama.pdf"
    case = case_in("in_progress")
    done = client.post(f"/desk/feedback/{case.reference}/do/file",
                       {"file-file": _upload(f"fis{RLO}gpj.html", files.jpeg_with_gps())})
    assert done.status_code == 302
    row = Attachment.objects.get(feedback=case.feedback)
    assert (row.filename, row.content_type) == ("fisgpj.jpg", "image/jpeg")


def test_api_stores_and_serves_under_the_detected_type(
    demo: None, api: Client, staff_api: StaffApi
) -> None:
    payload = feedback_payload(attachments=[{
        "filename": f"C:\\Users\\x\\fatura{RLO}fdp.bat", "content_type": "application/pdf",
        "content_base64": base64.b64encode(files.PDF).decode(),
    }])
    response = api.post("/api/v1/feedback", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    row = Attachment.objects.get()
    assert (row.filename, row.content_type) == ("faturafdp.pdf", "application/pdf")
    reference = Feedback.objects.get().reference
    download = staff_api.get("reviewer", f"/feedback/{reference}/attachments/{row.pk}")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"] == (
        "attachment; filename=\"faturafdp.pdf\"; filename*=UTF-8''faturafdp.pdf"
    )


# --- 2. The request's size and file count, before anything reads it -----------------------


def test_web_form_refuses_an_oversize_request_unread_with_a_413_message(
    demo: None, english: Client
) -> None:
    english.get("/feedback/new/")
    # Three photos of 50 MB, announced by the Content-Length; the body is never read.
    response = english.generic(
        "POST", "/feedback/new/", b"", CONTENT_TYPE="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(3 * 50 * 1024 * 1024), **{"wsgi.input": _Unreadable()},
    )
    assert response.status_code == 413
    page = response.content.decode()
    assert "Nothing was saved: the files are too large" in page
    assert "at most 5 files of up to 5 MB each" in page
    assert Feedback.objects.count() == 0 and not _stored_files()


@override_settings(ATTACHMENT_MAX_BYTES=64 * 1024)
def test_web_form_refuses_a_real_request_over_the_limit(demo: None, english: Client) -> None:
    # 5 files × 64 KB + 1 MB for the fields: three pictures of 600 KB are over it.
    big = files.png(size=(600, 400)) + b"\x00" * (600 * 1024)
    data = form_data(english, attachments=[_upload(f"{i}.png", big) for i in range(3)])
    response = english.post("/feedback/new/", data)
    assert response.status_code == 413
    assert "Nothing was saved" in response.content.decode()
    assert Feedback.objects.count() == 0 and not _stored_files()


def test_web_form_and_desk_refuse_too_many_files_with_a_413(
    demo: None, english: Client
) -> None:
    six = [_upload(f"{i}.png", files.PNG) for i in range(6)]
    response = english.post("/feedback/new/", form_data(english, attachments=six))
    assert response.status_code == 413
    assert "At most 5 files may be attached." in response.content.decode()
    case = case_in("in_progress")
    desk = signed_in("agent").post(
        f"/desk/feedback/{case.reference}/do/file",
        {"file-file": [_upload(f"{i}.png", files.PNG) for i in range(6)]},
    )
    assert desk.status_code == 413
    assert Feedback.objects.count() == 1 and not Attachment.objects.exists()


@override_settings(API_MAX_BODY_BYTES=1024 * 1024)
def test_api_refuses_an_oversize_body_with_a_field_message(demo: None, api: Client) -> None:
    payload = feedback_payload(attachments=[{
        "filename": "foto.png", "content_type": "image/png",
        "content_base64": base64.b64encode(files.PNG + b"\0" * 900_000).decode(),
    }])
    response = api.post("/api/v1/feedback", payload, content_type="application/json",
                        headers={"Accept-Language": "en"})
    assert response.status_code == 413
    body = response.json()
    assert body["error"] == "too_large"
    assert body["fields"]["body"] == [
        "Nothing was saved: send at most 1 MB in one request, files included (base64 makes"
        " them a third larger)."
    ]
    assert Feedback.objects.count() == 0


# --- 3. PDFs that could run something -------------------------------------------------------


@pytest.mark.parametrize("active", ["javascript", "open_action", "launch", "embedded"])
def test_web_form_refuses_an_active_pdf(demo: None, english: Client, active: str) -> None:
    pdf = files.pdf(**{active: True})
    response = english.post("/feedback/new/", form_data(
        english, attachments=_upload("fatura.pdf", pdf, "application/pdf")))
    assert response.status_code == 422
    assert "PDF documents with scripts, automatic actions or embedded files are not accepted" in (
        response.content.decode()
    )
    assert Feedback.objects.count() == 0 and not _stored_files()


def test_api_and_desk_refuse_a_pdf_with_javascript(demo: None, staff_api: StaffApi) -> None:
    case = case_in("in_progress")
    response = staff_api.post("handler", f"/feedback/{case.reference}/attachments", {
        "filename": "fatura.pdf", "content_type": "application/pdf",
        "content_base64": base64.b64encode(files.pdf(javascript=True)).decode(),
    })
    assert response.status_code == 422
    assert "scripts" in response.json()["fields"]["content_base64"][0]
    desk = signed_in("agent").post(f"/desk/feedback/{case.reference}/do/file",
                                   {"file-file": _upload("a.pdf", files.pdf(launch=True))})
    assert desk.status_code == 422 and "scripts" in desk.content.decode()
    assert not Attachment.objects.exists()


# --- 4. Pictures: only pixels are kept ------------------------------------------------------


def test_web_form_keeps_only_the_pixels_of_a_photo(demo: None, english: Client) -> None:
    photo = files.jpeg_with_gps()
    assert files.exif_of(photo)  # the photo as sent says where it was taken
    response = english.post("/feedback/new/", form_data(
        english, attachments=_upload("foto.jpeg", photo, "image/jpeg")))
    assert response.status_code == 302
    row = Attachment.objects.get()
    stored = _stored(row)
    assert row.filename == "foto.jpeg" and row.size == len(stored)
    assert files.exif_of(stored) == {}
    assert files.TRAILER not in stored and b"Secret Camera" not in stored
    assert b"taken at home" not in stored  # the JPEG comment


def test_api_refuses_a_decompression_bomb(demo: None, api: Client) -> None:
    bomb = files.png_bomb()
    assert len(bomb) < 100_000  # tiny on the wire, 100 million pixels decoded
    payload = feedback_payload(attachments=[{
        "filename": "bomba.png", "content_type": "image/png",
        "content_base64": base64.b64encode(bomb).decode(),
    }])
    response = api.post("/api/v1/feedback", payload, content_type="application/json",
                        headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert response.json()["fields"]["attachments.0"] == [
        "The image is too large: at most 40 million pixels."
    ]
    assert Feedback.objects.count() == 0


def test_desk_refuses_a_picture_that_does_not_decode(demo: None) -> None:
    case = case_in("in_progress")
    broken = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64  # a PNG by its first bytes only
    response = signed_in("agent").post(f"/desk/feedback/{case.reference}/do/file",
                                       {"file-file": _upload("fis.png", broken)})
    assert response.status_code == 422
    assert "This image cannot be read." in response.content.decode()


# --- 5. Downloads ---------------------------------------------------------------------------


def test_desk_download_is_an_attachment_with_a_safe_utf8_name(demo: None) -> None:
    client = signed_in("agent")
    case = case_in("in_progress")
    client.post(f"/desk/feedback/{case.reference}/do/file",
                {"file-file": _upload(f'şikâyet "{RLO}ek".bat', files.PDF)})
    row = Attachment.objects.get()
    assert row.filename == "şikâyet _ek_.pdf"
    response = signed_in("handler").get(f"/desk/feedback/{case.reference}/files/{row.pk}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"sikayet _ek_.pdf\"; "
        "filename*=UTF-8''%C5%9Fik%C3%A2yet%20_ek_.pdf"
    )
    assert b"".join(response.streaming_content) == files.PDF  # type: ignore[attr-defined]


def test_a_file_stored_before_names_were_cleaned_is_served_under_a_clean_name(
    demo: None,
) -> None:
    case = case_in("in_progress")
    signed_in("agent").post(f"/desk/feedback/{case.reference}/do/file",
                            {"file-file": _upload("a.pdf", files.PDF)})
    Attachment.objects.update(filename=f"invoice{RLO}fdp.bat")  # as the old code kept it
    row = Attachment.objects.get()
    response = signed_in("handler").get(f"/desk/feedback/{case.reference}/files/{row.pk}")
    assert response["Content-Disposition"] == (
        "attachment; filename=\"invoicefdp.pdf\"; filename*=UTF-8''invoicefdp.pdf"
    )
