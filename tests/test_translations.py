"""Every message the code marks for translation has a Turkish translation.

The message ids are extracted from the source as makemessages would: Python files by
walking their syntax tree (which also sees calls inside f-strings, where xgettext is
blind), templates through Django's templatize and xgettext. An id whose Turkish entry
is missing, empty or fuzzy fails the test; so does a gettext call xgettext cannot see,
since the next `makemessages` would drop its translation from the catalogue.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.utils.translation.template import templatize

SOURCE = Path(__file__).resolve().parent.parent / "memnun"
CATALOGUE = SOURCE / "locale" / "tr" / "LC_MESSAGES" / "django.po"

# Django's gettext functions: name → (position of the context, of the singular, of the plural).
FUNCTIONS: dict[str, tuple[int | None, int, int | None]] = {
    "gettext": (None, 0, None),
    "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None),
    "ngettext": (None, 0, 1),
    "ngettext_lazy": (None, 0, 1),
    "pgettext": (0, 1, None),
    "pgettext_lazy": (0, 1, None),
    "npgettext": (0, 1, 2),
    "npgettext_lazy": (0, 1, 2),
}
# The keywords makemessages gives xgettext (gettext and ngettext are its defaults).
XGETTEXT_KEYWORDS = [
    "gettext_noop", "gettext_lazy", "ngettext_lazy:1,2", "pgettext:1c,2",
    "npgettext:1c,2,3", "pgettext_lazy:1c,2", "npgettext_lazy:1c,2,3",
]


@dataclass(frozen=True, order=True)
class MessageId:
    context: str | None
    singular: str
    plural: str | None = None
    where: str = field(default="", compare=False)

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.context, self.singular)


@dataclass
class Entry:
    context: str | None = None
    msgid: str = ""
    plural: str | None = None
    translations: list[str] = field(default_factory=list)
    fuzzy: bool = False

    @property
    def translated(self) -> bool:
        return not self.fuzzy and bool(self.translations) and all(self.translations)


def po_entries(text: str) -> dict[tuple[str | None, str], Entry]:
    """The live (not obsolete) entries of a .po or .pot file, by (context, msgid).

    Entries are separated by blank lines, as gettext's tools write them.
    """
    entries: dict[tuple[str | None, str], Entry] = {}
    for block in text.split("\n\n"):
        entry = Entry()
        target = ""
        for line in block.strip().splitlines():
            line = line.strip()
            if line.startswith("#,"):
                entry.fuzzy = "fuzzy" in line
                continue
            if line.startswith("#"):
                continue  # references, comments and obsolete (#~) entries
            if not line.startswith('"'):
                target, _, line = line.partition(" ")
                if target.startswith("msgstr"):
                    entry.translations.append("")
            value = ast.literal_eval(line)
            if target == "msgctxt":
                entry.context = (entry.context or "") + value
            elif target == "msgid":
                entry.msgid += value
            elif target == "msgid_plural":
                entry.plural = (entry.plural or "") + value
            elif target.startswith("msgstr"):
                entry.translations[-1] += value
        if entry.msgid:  # the header has an empty msgid
            entries[(entry.context, entry.msgid)] = entry
    return entries


def _gettext_names(tree: ast.Module) -> dict[str, str]:
    """Local names of Django's gettext functions in a module (`_` included)."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
            for alias in node.names:
                if alias.name in FUNCTIONS:
                    names[alias.asname or alias.name] = alias.name
    return names


def _string(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def python_ids(path: Path) -> Iterator[tuple[MessageId, bool]]:
    """Each marked message in a Python file, and whether xgettext can see it."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = _gettext_names(tree)
    hidden = {
        id(call)
        for fstring in ast.walk(tree)
        if isinstance(fstring, ast.JoinedStr)
        for call in ast.walk(fstring)
        if isinstance(call, ast.Call)
    }
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        function = names.get(node.func.id)
        if function is None:
            continue
        context_at, singular_at, plural_at = FUNCTIONS[function]
        args = node.args
        singular = _string(args[singular_at]) if len(args) > singular_at else None
        if singular is None:
            continue  # a variable: its literals are marked where they are written
        yield (
            MessageId(
                context=_string(args[context_at]) if context_at is not None else None,
                singular=singular,
                plural=_string(args[plural_at]) if plural_at is not None else None,
                where=f"{path.relative_to(SOURCE)}:{node.lineno}",
            ),
            id(node) not in hidden,
        )


def template_ids(tmp_path: Path) -> list[MessageId]:
    """Messages in the templates, extracted as makemessages does it."""
    xgettext = shutil.which("xgettext")
    if xgettext is None:
        pytest.fail("xgettext is missing: `make test` installs gettext")
    sources = []
    for template in sorted(SOURCE.glob("**/templates/**/*")):
        if template.suffix not in (".html", ".txt") or not template.is_file():
            continue
        name = str(template.relative_to(SOURCE))
        converted = tmp_path / f"{len(sources)}.py"
        converted.write_text(templatize(template.read_text(encoding="utf-8"), origin=name))
        sources.append((converted.name, name))
    pot = subprocess.run(
        [xgettext, "--language=Python", "--from-code=UTF-8", "--output=-",
         *(f"--keyword={k}" for k in XGETTEXT_KEYWORDS), *(name for name, _ in sources)],
        cwd=tmp_path, capture_output=True, text=True, check=True,
    ).stdout
    return [
        MessageId(context=e.context, singular=e.msgid, plural=e.plural, where="templates")
        for e in po_entries(pot).values()
    ]


def source_ids(tmp_path: Path) -> tuple[list[MessageId], list[MessageId]]:
    """All marked messages, and those in Python that xgettext cannot see."""
    found: list[MessageId] = []
    unseen: list[MessageId] = []
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for message, visible in python_ids(path):
            found.append(message)
            if not visible:
                unseen.append(message)
    return found + template_ids(tmp_path), unseen


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[MessageId], list[MessageId]]:
    return source_ids(tmp_path_factory.mktemp("templatized"))


def test_every_marked_message_has_a_turkish_translation(
    extracted: tuple[list[MessageId], list[MessageId]],
) -> None:
    messages, _ = extracted
    assert len(messages) > 500  # the extraction itself works
    catalogue = po_entries(CATALOGUE.read_text(encoding="utf-8"))
    missing = sorted(
        {
            f"{m.where}: {m.singular!r}" + (f" (context {m.context!r})" if m.context else "")
            for m in messages
            if not (m.key in catalogue and catalogue[m.key].translated)
        }
    )
    assert missing == [], "untranslated, empty or fuzzy in tr/django.po"


def test_plural_messages_have_every_turkish_form(
    extracted: tuple[list[MessageId], list[MessageId]],
) -> None:
    messages, _ = extracted
    catalogue = po_entries(CATALOGUE.read_text(encoding="utf-8"))
    plurals = [m for m in messages if m.plural is not None and m.key in catalogue]
    assert all(len(catalogue[m.key].translations) == 2 for m in plurals)


def test_xgettext_sees_every_marked_message(
    extracted: tuple[list[MessageId], list[MessageId]],
) -> None:
    # makemessages would mark their translations obsolete: mark them outside the f-string.
    _, unseen = extracted
    assert [f"{m.where}: {m.singular!r}" for m in unseen] == []


def test_the_catalogue_compiles_with_the_same_placeholders() -> None:
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.fail("msgfmt is missing: `make test` installs gettext")
    result = subprocess.run(
        [msgfmt, "--check-format", "--output-file=/dev/null", str(CATALOGUE)],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr


def test_the_po_reader_sees_fuzzy_empty_and_plural_entries() -> None:
    entries = po_entries(
        '#, fuzzy\nmsgid "a"\nmsgstr "b"\n\nmsgid "c"\nmsgstr ""\n\n'
        'msgctxt "k"\nmsgid "d"\nmsgid_plural "ds"\nmsgstr[0] "e"\nmsgstr[1] "f"\n\n'
        'msgid ""\n"long "\n"one"\nmsgstr "uzun"\n"bir"\n\n#~ msgid "old"\n#~ msgstr "eski"\n'
    )
    assert not entries[(None, "a")].translated  # fuzzy
    assert not entries[(None, "c")].translated  # empty
    assert entries[("k", "d")].translations == ["e", "f"]
    assert entries[(None, "long one")].translations == ["uzunbir"]
    assert (None, "old") not in entries


def test_the_turkish_timeline_says_on_time_in_turkish() -> None:
    # The defect that started this: the compiled catalogue (make messages) carries it.
    from django.utils import translation

    with translation.override("tr"):
        assert translation.gettext("on time") == "zamanında"
        assert translation.gettext("late") == "gecikmeli"


def test_every_message_template_is_written_in_every_language() -> None:
    # Messages to customers are whole templates per language, not gettext: none may
    # exist in English only (a customer writing in Turkish would get the fallback).
    from django.conf import settings

    root = SOURCE / "notifications" / "templates" / "notifications"
    written = {
        code: {p.name for p in (root / code).iterdir() if p.is_file()}
        for code, _name in settings.LANGUAGES
    }
    every = set().union(*written.values())
    assert {code: sorted(every - names) for code, names in written.items()} == {
        code: [] for code in written
    }
