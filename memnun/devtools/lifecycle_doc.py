"""The generated tables of docs/lifecycle.md: the permission matrix (`permissions.MATRIX`)
and the moves (`moves.MOVES`), each between its markers, kept equal to the code."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from memnun.accounts.roles import Role
from memnun.feedback.moves import moves_markdown
from memnun.feedback.permissions import MATRIX, Action, escalated_only, own_cases_only

LIFECYCLE_DOC = Path(__file__).resolve().parents[2] / "docs" / "lifecycle.md"


def matrix_markdown() -> str:
    """One row an action, one column a role: ✓ anywhere in scope, "own" on assigned cases
    only, "escalated" on cases escalated to the role's level only."""
    roles = list(Role)
    lines = [
        "| action | " + " | ".join(role.value for role in roles) + " |",
        "|---|" + ":-:|" * len(roles),
    ]
    for action in Action:
        cells = [
            ("own" if action in own_cases_only(role)
             else "escalated" if action in escalated_only(role) else "✓")
            if action in MATRIX.get(role, frozenset()) else "–"
            for role in roles
        ]
        lines.append(f"| {action.value} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


SECTIONS: dict[str, Callable[[], str]] = {"roles": matrix_markdown, "moves": moves_markdown}


def _bounds(document: str, name: str) -> tuple[int, int]:
    start_mark, end_mark = f"<!-- {name}:start -->\n", f"<!-- {name}:end -->"
    start, end = document.find(start_mark), document.find(end_mark)
    if start < 0 or end < start:
        raise ValueError(f"{LIFECYCLE_DOC.name} lacks the {name} table's markers")
    return start + len(start_mark), end


def lifecycle_doc_table(document: str, name: str = "moves") -> str:
    """A generated table as the document holds it (between its markers)."""
    start, end = _bounds(document, name)
    return document[start:end]


def lifecycle_doc_regenerated(document: str) -> str:
    """The document with every generated table written afresh."""
    for name, generate in SECTIONS.items():
        start, end = _bounds(document, name)
        document = document[:start] + generate() + document[end:]
    return document
