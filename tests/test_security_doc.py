"""docs/security.md names tests that exist: a renamed or deleted test fails here, by name."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "security.md"
NODE_ID = re.compile(r"`(tests/[\w/]+\.py)::(\w+)(?:\[[^\]`]+\])?`")


def _test_functions(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.name for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.name.startswith("test_")
    }


def test_every_test_the_security_checklist_names_exists() -> None:
    named = NODE_ID.findall(DOC.read_text(encoding="utf-8"))
    assert len(named) > 40  # the checklist is there, and proves its items
    missing = [
        f"{path}::{name}" for path, name in named
        if not (ROOT / path).is_file() or name not in _test_functions(ROOT / path)
    ]
    assert missing == []
