"""Rendering a message kind in a language: subject, plain text, HTML and SMS.

Built-in wordings are files, one directory per language:
`templates/notifications/<language>/<kind>.{subject.txt,txt,html,sms.txt}`. Each
language is written in its own words (Turkish texts are written in Turkish, not
translated from English through gettext), so a message reads naturally and is
correct without compiled catalogues. Dates use Django's localised month and day
names under `translation.override(language)`, in Europe/Istanbul.

An administrator's `MessageTemplate` for a kind and language replaces the files
field by field. It is rendered by a sandboxed engine: no custom tags, no
includes, no loaders, autoescaping on for HTML, and plain values as context
(see `kinds.py`). A template that fails to compile or render falls back to the
file, with an error in the log: a customer never gets a broken message.

Text written by customers or staff is only ever a context variable.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template import Context, Engine
from django.utils import timezone, translation

from memnun.configcache import config_get, config_watch
from memnun.notifications.models import MessageTemplate

config_watch(MessageTemplate)

logger = logging.getLogger("memnun.notifications")

LANGUAGES = ("tr", "en")
_TEMPLATES = Path(__file__).resolve().parent / "templates"
_FIELDS = {"subject": "subject.txt", "text": "txt", "html": "html", "sms": "sms.txt"}


class _SandboxEngine(Engine):
    default_builtins = ["memnun.notifications.sandbox"]


@functools.cache
def _file_engine(*, autoescape: bool) -> Engine:
    return Engine(dirs=[str(_TEMPLATES)], autoescape=autoescape, libraries={})


@functools.cache
def _sandbox_engine(*, autoescape: bool) -> Engine:
    return _SandboxEngine(dirs=[], loaders=[], autoescape=autoescape, libraries={})


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str
    sms: str


def language_of(language: str) -> str:
    return language if language in LANGUAGES else LANGUAGES[0]


def one_line(text: str, limit: int = 255) -> str:
    """Subjects are one line (no header injection), and fit the column."""
    return " ".join(text.split())[:limit]


def tidy_text(text: str) -> str:
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


def sandbox_compile(source: str, *, html: bool) -> Any:
    """Compile an administrator's template in the sandbox (TemplateSyntaxError if not valid)."""
    return _sandbox_engine(autoescape=html).from_string(source)


def _render_file(kind: str, language: str, field: str, context: Mapping[str, Any]) -> str:
    html = field == "html"
    name = f"notifications/{language}/{kind}.{_FIELDS[field]}"
    template = _file_engine(autoescape=html).get_template(name)
    # A Context escapes unless told otherwise, whatever the engine says.
    return str(template.render(Context(dict(context), autoescape=html)))


def _render_override(source: str, field: str, context: Mapping[str, Any]) -> str:
    html = field == "html"
    return str(sandbox_compile(source, html=html).render(Context(dict(context), autoescape=html)))


@contextlib.contextmanager
def _localised(language: str) -> Iterator[None]:
    with translation.override(language), timezone.override(settings.TIME_ZONE):
        yield


def render_fields(
    *, kind: str, language: str, context: Mapping[str, Any],
    override: MessageTemplate | None = None,
) -> Rendered:
    """Render every field, from `override` where it has one, else from the files."""
    language = language_of(language)
    out: dict[str, str] = {}
    with _localised(language):
        for field in _FIELDS:
            source = getattr(override, field, "") if override is not None else ""
            value = None
            if source:
                try:
                    value = _render_override(source, field, context)
                except Exception:
                    logger.exception(
                        "message template %s/%s: %s does not render; using the built-in one",
                        kind, language, field,
                    )
            if value is None:
                value = _render_file(kind, language, field, context)
            out[field] = value
    return Rendered(
        subject=one_line(out["subject"]),
        text=tidy_text(out["text"]),
        html=out["html"].strip(),
        sms=" ".join(out["sms"].split()),
    )


def render_message(*, kind: str, language: str, context: Mapping[str, Any]) -> Rendered:
    """The message as it goes out: an active administrator's wording, else the built-in one."""
    language = language_of(language)
    # Through the configuration cache (memnun.configcache); only read, never changed here.
    override = config_get(("message_template", kind, language), lambda: (
        MessageTemplate.objects.filter(kind=kind, language=language, active=True).first()
    ))
    return render_fields(kind=kind, language=language, context=context, override=override)


def render_letter(*, language: str, context: Mapping[str, Any], body_text: str) -> str:
    """A printable HTML page: office address, date, recipient, reference and the text."""
    language = language_of(language)
    with _localised(language):
        template = _file_engine(autoescape=True).get_template(
            f"notifications/{language}/letter.html"
        )
        return str(
            template.render(Context({**context, "body_text": body_text}, autoescape=True))
        )
