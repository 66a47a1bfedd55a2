"""The production units (deploy/systemd): each process is restarted on its own, forever."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from memnun.cli import main

UNITS = sorted((Path(__file__).resolve().parent.parent / "deploy" / "systemd").glob("*.service"))


def settings_of(unit: Path) -> dict[str, str]:
    lines = [line.strip() for line in unit.read_text().splitlines()]
    pairs = [line.split("=", 1) for line in lines if "=" in line and not line.startswith("#")]
    return {key: value for key, value in pairs}


def test_there_is_a_unit_for_the_web_server_and_one_for_workers() -> None:
    commands = {settings_of(unit)["ExecStart"].split()[1] for unit in UNITS}
    assert commands == {"serve", "worker"}


@pytest.mark.parametrize("unit", UNITS, ids=[u.name for u in UNITS])
def test_each_unit_restarts_its_process_always_and_never_gives_up(unit: Path) -> None:
    values = settings_of(unit)
    assert values["Restart"] == "always"
    assert values["StartLimitIntervalSec"] == "0"  # systemd's default gives up after 5 in 10 s
    assert values["KillMode"] == "mixed"  # SIGTERM to the main process, then the rest
    command = values["ExecStart"].split()
    assert command[0].endswith("/memnun")
    with pytest.raises(SystemExit) as exit_code:
        main([command[1], "--help"])  # the command and its options exist
    assert exit_code.value.code == 0
    if shutil.which("systemd-analyze"):
        verify = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True,
                                text=True, check=False)
        complaints = [line for line in verify.stderr.splitlines()
                      if line and "is not executable" not in line]  # not installed here
        assert complaints == []
