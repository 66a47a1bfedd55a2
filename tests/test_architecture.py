"""The floors of docs/architecture.md hold: import-linter's contract in pyproject.toml.

Run here as well as in `make lint`, so that CI's PostgreSQL run checks it too; and
run once on a copy with a rule broken on purpose, so that a contract that stopped
biting (a layer renamed away, `exhaustive` dropped) fails here rather than passing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# The linter in a child process: it imports the packages it checks, and reads the
# config of the working directory. No cache file is written into the checkout.
_LINT = (
    "import sys; from importlinter.cli import lint_imports;"
    " sys.exit(lint_imports(config_filename='pyproject.toml', no_cache=True, no_logo=True))"
)


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root), *sys.path])}
    return subprocess.run(
        [sys.executable, "-c", _LINT], cwd=root, env=env, capture_output=True, text=True,
        timeout=300, check=False,
    )


def test_no_package_imports_a_floor_above_it() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def _copy(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(
        ROOT / "memnun", tmp_path / "memnun",
        ignore=shutil.ignore_patterns("locale", "templates", "static", "__pycache__", "*.mo"),
    )
    return tmp_path


@pytest.mark.parametrize(
    ("path", "code", "expected"),
    [
        # A lower floor reaching up into the domain (what receivers and tasks exist to avoid).
        ("servicelevels/clock.py", "from memnun.feedback import models as _up\n",
         "memnun.servicelevels.clock -> memnun.feedback.models"),
        # The domain reaching up into an interface.
        ("feedback/references.py", "from memnun.api import presenters as _up\n",
         "memnun.feedback.references -> memnun.api.presenters"),
        # One interface using another's insides.
        ("desk/forms.py", "from memnun.portal import forms as _side\n",
         "memnun.desk.forms -> memnun.portal.forms"),
        # A new package that has not chosen its floor.
        ("reports/__init__.py", '"""Reports."""\n', "memnun.reports"),
    ],
    ids=["lower-floor-up", "domain-up", "interface-sideways", "package-without-floor"],
)
def test_the_contract_catches_a_broken_floor(
    tmp_path: Path, path: str, code: str, expected: str
) -> None:
    root = _copy(tmp_path)
    target = root / "memnun" / path
    target.parent.mkdir(exist_ok=True)
    with target.open("a") as f:
        f.write(code)
    result = lint_imports(root)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "BROKEN" in result.stdout and expected in result.stdout, result.stdout
