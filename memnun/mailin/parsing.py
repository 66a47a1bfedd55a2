"""Reading a raw e-mail: who sent it, its text, its files, and whether a robot sent it.

Only the standard library: `email` with the modern policy, and `html.parser` to
turn HTML-only mail into text (scripts, styles and the head are dropped).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from html.parser import HTMLParser

_MSGID = re.compile(r"<[^<>\s]+>")
_SUBJECT_REFERENCE = re.compile(r"\[\s*(\d{2}\s*[-‐–]?\s*\d{6,12}\s*[-‐–]?\s*\d)\s*\]")
_TURKISH_LETTERS = re.compile("[çğıöşüÇĞİÖŞÜ]")
_ENGLISH_WORDS = re.compile(r"\b(the|and|my|please|thank|thanks|you|your|with|not|is)\b", re.I)
_AUTOMATIC_PRECEDENCE = {"bulk", "auto_reply", "list", "junk"}
_ROBOT_SENDERS = {"mailer-daemon", "postmaster", "noreply", "no-reply", "do-not-reply"}
_HEADERS_KEPT = (
    "From", "To", "Cc", "Date", "Subject", "Message-ID", "In-Reply-To", "References",
    "Auto-Submitted", "Precedence", "Content-Type", "Content-Language", "Return-Path",
)


class _TextExtractor(HTMLParser):
    _SKIP = {"script", "style", "head", "title", "noscript", "template", "svg", "object"}
    _BLOCK = {
        "p", "div", "tr", "table", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
        "blockquote", "section", "article", "header", "footer", "pre", "hr", "address",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self.skipping += 1
        elif self.skipping:
            return
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in ("td", "th"):
            self.parts.append(" ")
        elif tag in self._BLOCK:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self.skipping = max(self.skipping - 1, 0)
        elif not self.skipping and tag in self._BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Readable text from HTML: tags stripped, scripts and styles dropped, entities decoded."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


@dataclass(frozen=True)
class MailFile:
    filename: str
    content_type: str
    content: bytes


@dataclass
class ParsedMail:
    message_id: str
    from_address: str
    from_name: str
    subject: str
    text: str
    html_only: bool
    in_reply_to: list[str]
    references: list[str]
    recipients: list[str]
    sent_at: datetime | None
    automatic: str  # why it is automatic (never answered), or ""
    language: str
    headers: dict[str, str]
    files: list[MailFile] = field(default_factory=list)
    size: int = 0

    @property
    def thread_ids(self) -> list[str]:
        """Message-IDs this mail answers, the closest first."""
        return list(dict.fromkeys([*self.in_reply_to, *reversed(self.references)]))

    def subject_reference(self) -> str | None:
        match = _SUBJECT_REFERENCE.search(self.subject)
        return match.group(1) if match else None


def _decode(part: Message) -> str:
    try:
        content = part.get_content()  # type: ignore[attr-defined]
        return content if isinstance(content, str) else content.decode("utf-8", "replace")
    except (LookupError, UnicodeError, KeyError, AttributeError):
        payload = part.get_payload(decode=True)
        charset = part.get_content_charset() or "utf-8"
        raw = payload if isinstance(payload, bytes) else b""
        try:
            return raw.decode(charset, "replace")
        except LookupError:
            return raw.decode("utf-8", "replace")


def _ids(value: str | None) -> list[str]:
    return _MSGID.findall(value or "")[:50]


def automatic_reason(message: Message, from_address: str) -> str:
    """Why a mail was sent by a machine (RFC 3834, DSN, list traffic), or "" for a person."""
    auto = str(message.get("Auto-Submitted", "")).strip().lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto[:60]}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Autoresponse", "X-Autoresponder"):
        if message.get(name) is not None:
            return f"{name} header"
    precedence = str(message.get("Precedence", "")).strip().lower()
    if precedence in _AUTOMATIC_PRECEDENCE:
        return f"Precedence: {precedence}"
    if message.get("List-Id") is not None:
        return "mailing list (List-Id)"
    if message.get_content_type() == "multipart/report":
        report = str(message.get_param("report-type", "") or "")
        return f"report ({report or 'unknown type'})"
    if str(message.get("Return-Path", "")).strip() == "<>":
        return "bounce (empty Return-Path)"
    local = from_address.partition("@")[0].lower()
    if not from_address or local in _ROBOT_SENDERS:
        return f"automatic sender ({local or 'none'})"
    if message.get("X-Memnun-Reference") is not None:
        return "our own message came back (loop)"
    return ""


def _language(message: Message, text: str) -> str:
    declared = str(message.get("Content-Language", "")).strip().lower()
    if declared.startswith(("tr", "en")):
        return declared[:2]
    if _TURKISH_LETTERS.search(text):
        return "tr"
    if len(_ENGLISH_WORDS.findall(text)) >= 2:
        return "en"
    return "tr"


def _body(message: EmailMessage) -> tuple[str, bool, Message | None]:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return "", False, None
    text = _decode(part)
    if part.get_content_type() == "text/html":
        return html_to_text(text), True, part
    return text.strip(), False, part


def _files(message: EmailMessage, body: Message | None) -> list[MailFile]:
    files = []
    for part in message.walk():
        if part.is_multipart() or part is body:
            continue
        filename = part.get_filename()
        disposition = part.get_content_disposition()
        if not filename and disposition != "attachment":
            continue
        payload = part.get_payload(decode=True)
        files.append(
            MailFile(
                filename=(filename or "attachment")[:255],
                content_type=part.get_content_type(),
                content=payload if isinstance(payload, bytes) else b"",
            )
        )
    return files


def _address(value: str) -> tuple[str, str]:
    name, address = parseaddr(value)
    return name.strip(), address.strip().lower()


def mail_parse(raw: bytes) -> ParsedMail:
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    from_name, from_address = _address(str(message.get("From", "")))
    header_id = _ids(str(message.get("Message-ID", "")))
    message_id = header_id[0] if header_id and len(header_id[0]) <= 255 else ""
    if not message_id:  # none, or absurdly long: the content names it
        message_id = f"<{hashlib.sha256(raw).hexdigest()[:40]}@mailin.memnun.invalid>"
    text, html_only, body = _body(message)
    # NUL characters cannot be stored (PostgreSQL refuses them) and carry no meaning.
    text = text.replace("\x00", "")
    from_name = from_name.replace("\x00", "")
    subject = " ".join(str(message.get("Subject", "")).replace("\x00", "").split())
    try:
        sent_at = parsedate_to_datetime(str(message["Date"])) if message["Date"] else None
    except (TypeError, ValueError):
        sent_at = None
    if sent_at is not None and sent_at.tzinfo is None:
        sent_at = None
    recipients = [
        address.lower()
        for _, address in getaddresses(
            [str(v) for name in ("To", "Cc", "Delivered-To", "X-Original-To")
             for v in message.get_all(name, [])]
        )
        if address
    ]
    return ParsedMail(
        message_id=message_id,
        from_address=from_address,
        from_name=from_name[:200],
        subject=subject,
        text=text,
        html_only=html_only,
        in_reply_to=_ids(str(message.get("In-Reply-To", ""))),
        references=_ids(" ".join(str(v) for v in message.get_all("References", []))),
        recipients=recipients,
        sent_at=sent_at,
        automatic=automatic_reason(message, from_address),
        language=_language(message, f"{subject}\n{text}"),
        headers={
            name: str(message.get(name)).replace("\x00", "")[:500]
            for name in _HEADERS_KEPT
            if message.get(name)
        },
        files=_files(message, body),
        size=len(raw),
    )


def plus_tag(address: str, box: str) -> str | None:
    """The tag of box+tag@domain when `address` is the plus form of `box`, else None."""
    if not box or "@" not in address:
        return None
    box_local, _, box_domain = box.lower().rpartition("@")
    local, _, domain = address.lower().rpartition("@")
    if domain != box_domain or not local.startswith(f"{box_local}+"):
        return None
    return local[len(box_local) + 1 :] or None


def address_of(value: str) -> str:
    """The bare address of a header value ("Name <a@b>" → "a@b")."""
    try:
        return Address(addr_spec=parseaddr(value)[1]).addr_spec.lower()
    except (ValueError, IndexError, HeaderParseError):  # a crafted header: keep it as written
        return parseaddr(value)[1].lower()
