"""Typed, fail-loud readers for configuration taken from the environment.

An installation may also keep its configuration in a settings file, `memnun.env` in
the data directory (`KEY=value` lines, as in a shell). `make run` writes one on first
run, so that every process of that installation — the server, the worker and an
operator's `memnun audit verify` — reads the same SECRET_KEY. Environment variables
always take precedence over the file.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from dotenv import dotenv_values

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}

BASE_DIR = Path(__file__).resolve().parent.parent
SETTINGS_FILE_NAME = "memnun.env"

# Values read from the settings file; consulted only for names the environment lacks.
_file_values: dict[str, str] = {}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    return value if value is not None else _file_values.get(name)


def data_dir() -> Path:
    """Where the SQLite file, attachments and the settings file live.

    Read from the environment only: it says where the settings file is.
    """
    return Path(os.environ.get("MEMNUN_DATA_DIR") or BASE_DIR / "var")


def settings_file() -> Path:
    return data_dir() / SETTINGS_FILE_NAME


def settings_file_load(*, path: Path) -> None:
    """Read the installation's settings file, if there is one, under the environment."""
    _file_values.clear()
    if path.is_file():
        _file_values.update(
            {name: value for name, value in dotenv_values(path).items() if value is not None}
        )


def setting_peek(name: str) -> str | None:
    """One value as the settings will read it (environment, else the settings file),
    for a command that decides before Django starts; the process's settings are left
    as they are (the test suite reads no settings file)."""
    value = os.environ.get(name)
    if value is None and settings_file().is_file():
        value = dotenv_values(settings_file()).get(name)
    return value


def settings_file_create(*, path: Path, demo: bool) -> bool:
    """Write a settings file with a new random SECRET_KEY, unless one exists.

    Returns whether it was written. Readable by its owner only: it holds the key.
    """
    from django.core.management.utils import get_random_secret_key

    lines = [
        "# memnun configuration for this installation (written by `memnun init`).",
        "# Environment variables take precedence over the values here.",
        f"SECRET_KEY='{get_random_secret_key()}'",
    ]
    if demo:
        lines.append("MEMNUN_DEMO=1")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: a second first run (or a race with another) never replaces the key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
    return True


def env_str(name: str, default: str) -> str:
    value = _raw(name)
    return default if value is None else value


def env_bool(name: str, default: bool) -> bool:
    raw = _raw(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0/true/false/yes/no/on/off, not {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = _raw(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = _raw(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_header(name: str, default: str) -> tuple[str, str] | None:
    """A request header and the value it must have, written `Header-Name: value`, as
    Django's WSGI key and value (`("HTTP_X_FORWARDED_PROTO", "https")`); None when empty."""
    raw = env_str(name, default).strip()
    if not raw:
        return None
    header, sep, value = raw.partition(":")
    header, value = header.strip(), value.strip()
    if not sep or not value or not header or any(
        not (c.isascii() and (c.isalnum() or c == "-")) for c in header
    ):
        raise ImproperlyConfigured(f"{name} must be written 'Header-Name: value', not {raw!r}")
    return "HTTP_" + header.upper().replace("-", "_"), value
