"""`memnun review-pack`: writes the pack's PDF and XLSX into a directory, with its progress
on standard error, and refuses bad input with exit code 2, writing nothing."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from memnun.cli import main
from memnun.desk.review_pack_render import STEPS
from tests.casework import case_in

pytestmark = pytest.mark.django_db


def test_it_writes_both_files_and_shows_its_progress(
    demo: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case_in("closed")
    code = main(["review-pack", "--from", "2026-01-01", "--to", "2026-12-31", "--lang", "en",
                 "--out", str(tmp_path)])
    out, err = capsys.readouterr()
    assert code == 0, err
    pdf = tmp_path / "management-review-2026-01-01-2026-12-31.pdf"
    xlsx = tmp_path / "management-review-2026-01-01-2026-12-31.xlsx"
    assert out.split() == [str(pdf), str(xlsx)]
    assert sorted(p.name for p in tmp_path.iterdir()) == [pdf.name, xlsx.name]
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Management review pack" in text and "Backlog and capacity" in text
    assert "CAPA" in load_workbook(io.BytesIO(xlsx.read_bytes())).sheetnames
    progress = err.splitlines()
    assert progress[0] == f"[1/{STEPS}] Objectives against targets"
    assert progress[-1] == f"[{STEPS}/{STEPS}] Writing the XLSX"


@pytest.mark.parametrize(("args", "says"), [
    (["--from", "2026-02-30", "--to", "2026-03-31", "--lang", "tr"], "not a date"),
    (["--from", "01.02.2026", "--to", "2026-03-31", "--lang", "tr"], "YYYY-MM-DD"),
    (["--from", "2026-04-01", "--to", "2026-03-31", "--lang", "tr"], "is after --to"),
    (["--from", "2026-01-01", "--to", "2026-03-31", "--lang", "de"], "tr or en"),
])
def test_bad_input_is_refused_with_exit_code_2_and_nothing_written(
    demo: None, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], says: str,
) -> None:
    code = main(["review-pack", *args, "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert says in err
    assert list(tmp_path.iterdir()) == []


def test_a_directory_that_is_missing_or_unwritable_is_refused(
    demo: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    period = ["--from", "2026-01-01", "--to", "2026-01-31", "--lang", "tr"]
    assert main(["review-pack", *period, "--out", str(tmp_path / "nowhere")]) == 2
    assert "is not a directory" in capsys.readouterr().err
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    # Root writes into a read-only directory: there, a directory the kernel refuses.
    target = locked if os.geteuid() != 0 else Path("/sys")
    try:
        assert main(["review-pack", *period, "--out", str(target)]) == 2
        assert "cannot be written" in capsys.readouterr().err
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o700)


def test_a_missing_option_is_refused_with_exit_code_2(
    capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["review-pack", "--from", "2026-01-01", "--lang", "tr", "--out", "."])
    assert exited.value.code == 2
    assert "--to" in capsys.readouterr().err
