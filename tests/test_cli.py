"""The `memnun` command as an operator uses it: real processes, a real served app."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.served import memnun_run

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def memnun(*args: str, env: dict[str, str], timeout: int = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "memnun.cli", *args], cwd=ROOT, env=env, capture_output=True,
        text=True, timeout=timeout, check=False,
    )


@pytest.fixture
def operator_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("MEMNUN_TESTING", "DATABASE_URL")}
    env.update(
        {"MEMNUN_DATA_DIR": str(tmp_path), "MEMNUN_DEMO": "1", "MEMNUN_LOG_LEVEL": "WARNING"}
    )
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_demo_is_refused_in_production(operator_env: dict[str, str]) -> None:
    env = {**operator_env, "MEMNUN_DEMO": "0", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "x",
           # Production starts only with mail and SMS over TLS (K10).
           "EMAIL_HOST": "smtp.example", "EMAIL_USE_TLS": "1",
           "MEMNUN_SMS_URL": "https://sms.example/send"}
    assert memnun("migrate", env=env).returncode == 0
    result = memnun("demo", env=env)
    assert result.returncode == 1
    assert "MEMNUN_DEMO=1" in result.stderr


def test_production_needs_a_secret_key(operator_env: dict[str, str]) -> None:
    env = {**operator_env, "MEMNUN_DEMO": "0"}
    result = memnun("migrate", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_audit_verify_reports_tampering_with_an_exit_code(operator_env: dict[str, str]) -> None:
    assert memnun("migrate", env=operator_env).returncode == 0
    assert memnun("demo", env=operator_env).returncode == 0
    # The demo itself records events (its CAPAs, audit and policy go through the services).
    before = memnun("audit", "verify", env=operator_env)
    demo_events = int(re.search(r"(\d+) events verified", before.stdout).group(1))
    record = (
        "from django.db import transaction\n"
        "from memnun.audit.chain import audit_record\n"
        "for i in range(3):\n"
        "    with transaction.atomic():\n"
        "        audit_record(actor='agent', action='test.x', object_type='t',"
        " object_id=str(i), data={})\n"
    )
    assert memnun("manage", "shell", "-c", record, env=operator_env).returncode == 0
    ok = memnun("audit", "verify", env=operator_env)
    assert ok.returncode == 0 and f"{demo_events + 3} events verified" in ok.stdout
    import sqlite3

    with sqlite3.connect(Path(operator_env["MEMNUN_DATA_DIR"]) / "memnun.sqlite3") as db:
        db.execute("UPDATE audit_auditevent SET actor = 'mallory' WHERE seq = ?",
                   (demo_events + 2,))
    broken = memnun("audit", "verify", env=operator_env)
    assert broken.returncode == 1
    assert f"#{demo_events + 2}" in broken.stderr


MAIL = (
    b"From: Ay\xc5\x9fe <ayse@example.com>\r\nTo: geribildirim@memnun.local\r\n"
    b"Subject: Servis gecikti\r\nMessage-ID: <readme-1@example.com>\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n\r\nTelefonum hala serviste.\r\n"
)


def test_the_readme_commands_work_as_written_beside_a_make_run_installation(
    tmp_path: Path,
) -> None:
    """An operator's shell has no memnun variables: the commands read what `make run` wrote."""
    clean = {"PATH": os.environ["PATH"], "MEMNUN_DATA_DIR": str(tmp_path)}
    # What `make run` does first: the installation's settings file, once.
    first = memnun("init", "--demo", env=clean)
    assert first.returncode == 0, first.stderr
    settings_file = tmp_path / "memnun.env"
    assert settings_file.stat().st_mode & 0o077 == 0  # the key is for its owner only
    written = settings_file.read_text()
    assert "SECRET_KEY=" in written and "MEMNUN_DEMO=1" in written
    assert memnun("init", "--demo", env=clean).returncode == 0
    assert settings_file.read_text() == written  # a second run keeps the key

    for command in (("migrate",), ("demo",), ("worker", "--once"), ("manage", "check")):
        result = memnun(*command, env=clean)
        assert result.returncode == 0, (command, result.stderr)
    gate = subprocess.run(
        [sys.executable, "-m", "memnun.cli", "mailgate"], cwd=ROOT, env=clean, input=MAIL,
        capture_output=True, timeout=120, check=False,
    )
    assert gate.returncode == 0, gate.stderr
    verified = memnun("audit", "verify", env=clean)
    assert verified.returncode == 0, verified.stderr
    assert "events verified" in verified.stdout


def test_every_memnun_command_in_the_readme_exists() -> None:
    import re

    from memnun.cli import main

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    # Names may hold a hyphen (review-pack).
    commands = set(re.findall(r"`memnun ([a-z][a-z-]*(?: [a-z][a-z-]*)?)", readme))
    assert {"init", "run", "audit verify", "migrate", "review-pack"} <= commands
    for command in commands:
        with pytest.raises(SystemExit) as exit_code:
            main([*command.split(), "--help"])
        assert exit_code.value.code == 0, command


def test_review_pack_refuses_bad_input_with_exit_code_2(operator_env: dict[str, str]) -> None:
    """The real command, as an operator types it: refused before the database is read."""
    result = memnun("review-pack", "--from", "2026-04-01", "--to", "2026-03-31",
                    "--lang", "tr", "--out", ".", env=operator_env)
    assert result.returncode == 2
    assert "--from 2026-04-01 is after --to 2026-03-31" in result.stderr
    assert memnun("review-pack", "--from", "2026-04-01", env=operator_env).returncode == 2


def test_the_environment_takes_precedence_over_the_settings_file(tmp_path: Path) -> None:
    clean = {"PATH": os.environ["PATH"], "MEMNUN_DATA_DIR": str(tmp_path)}
    assert memnun("init", env=clean).returncode == 0
    show = "from django.conf import settings; print(settings.SECRET_KEY, settings.DEMO)"
    from_file = memnun("manage", "shell", "-c", show, env=clean)
    assert from_file.returncode == 0, from_file.stderr
    key, demo = from_file.stdout.split()[-2:]  # after the shell's own banner
    assert len(key) == 50 and demo == "False"  # `init` without --demo: a production file
    overridden = memnun("manage", "shell", "-c", show, env={**clean, "SECRET_KEY": "e" * 50})
    assert overridden.stdout.split()[-2] == "e" * 50


def _wait_for(url: str, process: subprocess.Popen[bytes], seconds: float = 40) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            assert process.poll() is None, "memnun run exited early"
            assert time.monotonic() < deadline, "memnun run did not start"
            time.sleep(0.3)


def _post_feedback(base: str) -> dict[str, str]:
    body = json.dumps({
        "type": "suggestion", "channel": "web", "subject": "Randevu sistemi",
        "description": "Online randevu olsa iyi olur.",
        "customer": {"email": "musteri@example.com"}, "consent": {"privacy_notice": True},
    }).encode()
    request = urllib.request.Request(
        f"{base}/api/v1/feedback", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 201
        return dict(json.load(response))


def test_run_serves_with_a_worker_stops_on_ctrl_c_and_keeps_data(
    operator_env: dict[str, str],
) -> None:
    assert memnun("migrate", env=operator_env).returncode == 0
    assert memnun("demo", env=operator_env).returncode == 0
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    first = memnun_run(port=port, workers=2, env=operator_env, output=subprocess.PIPE)
    try:
        _wait_for(f"{base}/healthz", first)
        created = _post_feedback(base)
        children = subprocess.run(
            ["pgrep", "-f", "-s", str(first.pid), "memnun.cli worker|gunicorn"],
            capture_output=True, text=True, check=False,
        ).stdout.split()
        assert len(children) >= 2  # gunicorn master (and workers) plus our worker
        os.killpg(first.pid, signal.SIGINT)  # Ctrl-C reaches the whole process group
        assert first.wait(timeout=30) == 0
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    left = subprocess.run(["pgrep", "-s", str(first.pid)], capture_output=True, check=False)
    assert left.stdout.strip() == b""  # web server and worker are both gone

    second = memnun_run(port=port, workers=1, env=operator_env)
    try:
        _wait_for(f"{base}/healthz", second)
        url = f"{base}/api/v1/track/{created['reference']}?code={created['tracking_code']}"
        with urllib.request.urlopen(url, timeout=10) as response:
            assert json.load(response)["reference"] == created["reference"]
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        second.wait(timeout=30)


def test_web_workers_follow_the_database_unless_told(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One gunicorn worker per core on SQLite, two on PostgreSQL (BENCHMARKS.md), 2 to 8;
    the database as the settings would read it, the settings file included."""
    from memnun.cli import web_workers_default
    from memnun.env import env_str

    cores = os.cpu_count() or 2
    monkeypatch.setenv("MEMNUN_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("MEMNUN_WEB_WORKERS", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert web_workers_default() == max(2, min(cores, 8))
    monkeypatch.setenv("DATABASE_URL", "postgres://memnun@127.0.0.1:5432/memnun")
    assert web_workers_default() == max(2, min(2 * cores, 8))
    monkeypatch.delenv("DATABASE_URL")
    (tmp_path / "memnun.env").write_text(
        "DATABASE_URL=postgres://memnun@127.0.0.1:5432/memnun\nMEMNUN_TEST_PEEK=file\n"
    )
    assert web_workers_default() == max(2, min(2 * cores, 8))
    # This process's own settings are left as they were.
    assert env_str("MEMNUN_TEST_PEEK", "unread") == "unread"
    monkeypatch.setenv("MEMNUN_WEB_WORKERS", "3")
    assert web_workers_default() == 3
