"""docs/conformance.md maps every requirement ID to tests that exist.

The requirement IDs (R…, RA-…, K…) come from `iso10002-requirements.md` in the
design documents, which live outside the repository: `../shared/design/` beside
the repository's root, or the directory named by `MEMNUN_DESIGN_DIR`. When the
file is there, every ID must have exactly one row and no row may name another ID;
when it is not (a clone on its own, in CI), those two checks are skipped (saying
so) and the rest runs on the IDs the doc lists.

The rest: each row has a known status (`met`, `partly: …`, `missing: …`), a `met`
row lists a test, and every node id the doc names exists. Node ids are checked
against what pytest itself collects from the files the doc names (`pytest.main`
with `--collect-only` in this process, a plugin recording the items: the ids,
parametrize ids included, are exactly those `pytest --collect-only -q` prints).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "conformance.md"
REQUIREMENTS_NAME = "iso10002-requirements.md"

ID = r"(?:R|K)[A-Za-z0-9.-]+"
DESIGN_ID = re.compile(rf"^- ({ID}) \|", re.MULTILINE)
ROW_ID = re.compile(rf"^{ID}$")
NODE_ID = re.compile(r"^tests/[\w/]+\.py::\w+(\[[^\]]+\])?$")
BACKTICKED = re.compile(r"`([^`]+)`")
STATUS = re.compile(r"^(met(: .+)?|partly: .+|missing: .+)$")
TABLE_SECTION = "## The requirements"
AUDITORS_DESIGN_SECTION = "## What ISO 10002 auditors typically ask to see"
AUDITORS_DOC_SECTION = "## What auditors ask to see"


@dataclass(frozen=True)
class Row:
    line: int
    id: str
    status: str
    tests: tuple[str, ...]
    # Every backticked node id in the row, the status's mentions included.
    named: tuple[str, ...]


def design_file() -> Path | None:
    directory = os.environ.get("MEMNUN_DESIGN_DIR")
    base = Path(directory) if directory else ROOT.parent / "shared" / "design"
    path = base / REQUIREMENTS_NAME
    return path if path.is_file() else None


def section(text: str, heading: str) -> list[tuple[int, str]]:
    """The (line number, line) pairs under `heading` (which may go on, e.g. "… (evidence)"),
    up to the next heading of its level."""
    lines = text.splitlines()
    level = heading.split(" ")[0] + " "
    out: list[tuple[int, str]] = []
    inside = False
    for number, line in enumerate(lines, start=1):
        if not inside and (line.strip() == heading or line.startswith(heading + " ")):
            inside = True
            continue
        if inside and line.startswith(level):
            break
        if inside:
            out.append((number, line))
    return out


def design_ids(text: str) -> list[str]:
    return DESIGN_ID.findall(text)


def table_rows(text: str) -> tuple[list[Row], list[str]]:
    """The requirement table's rows, and a problem for each line that is not a proper row."""
    rows: list[Row] = []
    problems: list[str] = []
    body = section(text, TABLE_SECTION)
    if not body:
        return rows, [f"docs/conformance.md has no {TABLE_SECTION!r} section"]
    for number, line in body:
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells[0] in ("ID", "") or set(cells[0]) <= set("-: "):
            continue  # the header and the separator
        if len(cells) != 4:
            problems.append(f"line {number}: a row has 4 cells (ID, requirement, status, "
                            f"tests), this one {len(cells)}: {line[:80]}")
            continue
        row_id, _requirement, status, tests = cells
        if not ROW_ID.match(row_id):
            problems.append(f"line {number}: {row_id!r} is not a requirement ID")
            continue
        listed = tuple(BACKTICKED.findall(tests))
        leftover = BACKTICKED.sub("", tests).replace(",", "").strip()
        if leftover:
            problems.append(f"{row_id}: the tests cell holds text that is not a node id "
                            f"in backticks: {leftover[:60]!r}")
        named = tuple(t for t in BACKTICKED.findall(line) if t.startswith("tests/"))
        rows.append(Row(number, row_id, status, listed, named))
    return rows, problems


def row_problems(rows: list[Row], known_ids: list[str] | None) -> list[str]:
    """What is wrong with the rows; `known_ids` None when the design file is absent."""
    problems: list[str] = []
    seen: dict[str, int] = {}
    for row in rows:
        if row.id in seen:
            problems.append(f"{row.id}: two rows (lines {seen[row.id]} and {row.line})")
        seen.setdefault(row.id, row.line)
        if not STATUS.match(row.status):
            problems.append(f"{row.id}: the status must be `met`, `partly: <what is missing>` "
                            f"or `missing: <why>`, not {row.status[:40]!r}")
        if row.status.startswith("met") and not row.tests:
            problems.append(f"{row.id}: `met` but no test is listed")
        for test in row.tests:
            if not NODE_ID.match(test):
                problems.append(f"{row.id}: {test!r} is not a node id "
                                "(tests/path.py::test_name or …[param id])")
    if known_ids is not None:
        for missing in [i for i in known_ids if i not in seen]:
            problems.append(f"{missing}: in the requirements but has no row")
        for unknown in [i for i in seen if i not in known_ids]:
            problems.append(f"{unknown}: has a row but the requirements have no such ID")
    return problems


def node_id_problems(rows: list[Row], collected: set[str]) -> list[str]:
    problems: list[str] = []
    for row in rows:
        for node in row.named:
            exists = node in collected or (
                "[" not in node and any(c.startswith(node + "[") for c in collected)
            )
            if not exists:
                problems.append(f"{row.id}: {node} does not exist")
    return problems


class _Recorder:
    """A plugin for the inner collection: the items' node ids and the files that failed."""

    def __init__(self) -> None:
        self.ids: set[str] = set()
        self.errors: list[str] = []

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.ids.update(item.nodeid for item in session.items)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.errors.append(f"{report.nodeid}: {report.longreprtext[-1500:]}")


def collect(files: list[str]) -> tuple[set[str], str]:
    """The node ids pytest collects from `files` (relative to the root), and its errors.

    pytest itself collects, in this process (the modules this session has imported are
    not imported again; a second process would spend most of its time starting up).
    Its report goes nowhere; PYTEST_ADDOPTS must be unset by the caller (it may ask for
    xdist, which the inner run has not).
    """
    recorder = _Recorder()
    with contextlib.redirect_stdout(io.StringIO()):
        pytest.main(
            ["--collect-only", "-q", "-p", "no:xdist", "--continue-on-collection-errors",
             "--rootdir", str(ROOT), "-c", str(ROOT / "pyproject.toml"),
             *(str(ROOT / f) for f in files)],
            plugins=[recorder],
        )
    return recorder.ids, "\n".join(recorder.errors)


def auditor_numbers(text: str, heading: str, pattern: str) -> list[int]:
    return [int(m.group(1)) for _n, line in section(text, heading)
            if (m := re.match(pattern, line))]


# --- the checks on the real files ---


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def design() -> str | None:
    path = design_file()
    return path.read_text(encoding="utf-8") if path else None


def _skip_without(design: str | None) -> str:
    if design is None:
        pytest.skip(f"{REQUIREMENTS_NAME} is not at ../shared/design/ (nor MEMNUN_DESIGN_DIR): "
                    "its IDs cannot be compared; the node ids are still checked")
    return design


def test_every_requirement_has_one_row_and_every_row_a_requirement(
    doc: str, design: str | None
) -> None:
    text = _skip_without(design)
    ids = design_ids(text)
    assert ids, f"no requirement IDs found in {REQUIREMENTS_NAME}: has its format changed?"
    rows, problems = table_rows(doc)
    problems += row_problems(rows, ids)
    assert not problems, "\n".join(problems)


def test_rows_are_well_formed(doc: str) -> None:
    """Runs with or without the design file: statuses, `met` rows' tests, node id shapes."""
    rows, problems = table_rows(doc)
    assert rows, "the requirement table has no rows"
    problems += row_problems(rows, None)
    assert not problems, "\n".join(problems)


def test_every_listed_node_id_exists(doc: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PYTEST_ADDOPTS", raising=False)
    rows, _ = table_rows(doc)
    files = sorted({node.split("::")[0] for row in rows for node in row.named})
    absent = [f for f in files if not (ROOT / f).is_file()]
    present = [f for f in files if f not in absent]
    collected, errors = collect(present)
    assert collected, f"pytest collected nothing from {present}:\n{errors}"
    problems = node_id_problems(rows, collected)
    problems += [f"{f}: no such test file" for f in absent]
    assert not problems, "\n".join(problems) + (f"\n\npytest said:\n{errors}" if errors else "")


def test_every_item_auditors_ask_for_has_an_answer(doc: str, design: str | None) -> None:
    answered = auditor_numbers(doc, AUDITORS_DOC_SECTION, r"^\| (\d+) \|")
    assert answered, f"docs/conformance.md has no {AUDITORS_DOC_SECTION!r} table"
    assert answered == list(range(1, len(answered) + 1)), "the items are numbered 1, 2, 3, …"
    text = _skip_without(design)
    asked = auditor_numbers(text, AUDITORS_DESIGN_SECTION, r"^(\d+)\. ")
    assert asked, f"no numbered items under {AUDITORS_DESIGN_SECTION!r} in {REQUIREMENTS_NAME}"
    assert answered == asked, "one row per item the auditors ask for, numbered as the design"


# --- the checks themselves find each fault ---

DESIGN_SAMPLE = """
- R4.7 | MUST | No self-review.
- RA-obj | SHOULD | Objectivity.
- K1 | MUST | Notice.
"""
DOC_SAMPLE = """
## The requirements

| ID | requirement | status | tests |
|---|---|---|---|
| R4.7 | no self-review | met | `tests/a.py::test_one`, `tests/a.py::test_gone` |
| R4.7 | again | partly: twice | |
| R9.9 | not a requirement | missing: invented | |
| K1 | notice | met | |
| RA-obj | objectivity | done | `tests/a.py::test_param`, `tests/a.py::test_param[x]` |
| K1 | notice | partly: see `tests/b.py::test_mentioned` | `tests/a.py` |

## Notes
| R8.8 | outside the table | met | |
"""


def test_the_checks_catch_each_fault() -> None:
    rows, problems = table_rows(DOC_SAMPLE)
    problems += row_problems(rows, design_ids(DESIGN_SAMPLE))
    problems += node_id_problems(rows, {"tests/a.py::test_one", "tests/a.py::test_param[y]"})
    assert sorted(problems) == sorted([
        "R4.7: two rows (lines 6 and 7)",
        "K1: two rows (lines 9 and 11)",
        "K1: `met` but no test is listed",
        "RA-obj: the status must be `met`, `partly: <what is missing>` or `missing: <why>`, "
        "not 'done'",
        "K1: 'tests/a.py' is not a node id (tests/path.py::test_name or …[param id])",
        "R9.9: has a row but the requirements have no such ID",
        "R4.7: tests/a.py::test_gone does not exist",
        "RA-obj: tests/a.py::test_param[x] does not exist",
        "K1: tests/b.py::test_mentioned does not exist",
        "K1: tests/a.py does not exist",
    ])
    # A requirement without a row is named; `test_param` alone stands for its parameters.
    assert row_problems(rows[:1], ["R4.7", "K14"]) == ["K14: in the requirements but has no row"]
