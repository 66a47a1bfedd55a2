"""Postal letters: the message's HTML page printed to a PDF and queued for the print room.

The PDF is stored privately (MEDIA_ROOT, never served directly) as a `Letter`
row; `manage.py letters` lists and exports the ones to print and marks them
printed. A letter "leaves us" when it is printed: that, not the PDF, is what
the sender's callback hears as sent (`letters.letter_mark_printed`).

Delivering the same message twice reuses its letter (one row per message), so
a crash between making the PDF and marking the message never prints two.
"""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from memnun.notifications.channels import Accepted, PermanentFailure
from memnun.notifications.channels.sms import delivery_key
from memnun.notifications.models import Letter, OutboundMessage


def letter_pdf(html: str) -> tuple[bytes, int]:
    """The PDF of a letter page, and its number of pages."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # Letters are self-contained: no network, no local files (data: URLs only).
    fetcher = URLFetcher(allowed_protocols={"data"}, timeout=5)
    document = HTML(string=html, url_fetcher=fetcher).render()
    return bytes(document.write_pdf()), len(document.pages)


class LetterChannel:
    name = "letter"

    def close(self) -> None:
        pass

    def send(self, message: OutboundMessage) -> Accepted:
        existing = Letter.objects.filter(message=message).first()
        if existing is None:
            if not message.html:
                raise PermanentFailure("a letter needs its HTML page")
            pdf, pages = letter_pdf(message.html)
            letter = Letter(message=message, pages=pages, created_at=timezone.now())
            letter.file.save(f"{delivery_key(message)}.pdf", ContentFile(pdf), save=False)
            try:
                with transaction.atomic():
                    letter.save()
            except IntegrityError:  # another worker made it meanwhile (after a lease expired)
                letter.file.delete(save=False)
                existing = Letter.objects.get(message=message)
            else:
                existing = letter
        return Accepted(at=existing.created_at, provider_message_id=f"letter:{existing.pk}")
