"""The moves table in docs/lifecycle.md, kept equal to `feedback.moves.MOVES`."""

from __future__ import annotations

from pathlib import Path

from memnun.feedback.moves import moves_markdown

LIFECYCLE_DOC = Path(__file__).resolve().parents[2] / "docs" / "lifecycle.md"
_START = "<!-- moves:start -->\n"
_END = "<!-- moves:end -->"


def _bounds(document: str) -> tuple[int, int]:
    start, end = document.find(_START), document.find(_END)
    if start < 0 or end < start:
        raise ValueError(f"{LIFECYCLE_DOC.name} lacks the {_START.strip()} … {_END} markers")
    return start + len(_START), end


def lifecycle_doc_table(document: str) -> str:
    """The table as the document holds it (between the markers)."""
    start, end = _bounds(document)
    return document[start:end]


def lifecycle_doc_regenerated(document: str) -> str:
    """The document with the table between the markers generated afresh."""
    start, end = _bounds(document)
    return document[:start] + moves_markdown() + document[end:]
