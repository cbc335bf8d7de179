"""The TUI's small, non-secret settings: the last user and the idle minutes before auto-lock.

A JSON file beside the database (``<db>.settings.json``) unless another path is given. It
never holds a passphrase or anything from the register; a damaged or missing file just means
the defaults.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

DEFAULT_IDLE_MINUTES = 10.0
# The file is not trusted: values outside these bounds mean the default (an "Infinity" there
# must not switch auto-lock off).
MIN_IDLE_MINUTES = 1.0
MAX_IDLE_MINUTES = 240.0
MAX_TEXT_LENGTH = 64
MAX_SETTINGS_BYTES = 64 * 1024
# Tests and demos may shorten the idle time without touching the file.
IDLE_SECONDS_ENVIRONMENT = "TRACKER_IDLE_SECONDS"


@dataclass
class Settings:
    last_user: str = ""
    idle_minutes: float = DEFAULT_IDLE_MINUTES
    theme: str = ""  # a Textual theme name chosen in the command palette; empty: the default
    demo: bool = False  # the register was a demo at the last login: the login screen says DEMO


def settings_path_for(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".settings.json")


def load_settings(path: Path) -> Settings:
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_SETTINGS_BYTES + 1)
        if len(raw) > MAX_SETTINGS_BYTES:
            return Settings()
        content = json.loads(raw.decode("utf-8"))
    except (OSError, ValueError, RecursionError):
        return Settings()
    if not isinstance(content, dict):
        return Settings()
    settings = Settings()
    for name in ("last_user", "theme"):
        value = content.get(name)
        if isinstance(value, str) and len(value) <= MAX_TEXT_LENGTH and value.isprintable():
            setattr(settings, name, value)
    if isinstance(content.get("demo"), bool):
        settings.demo = content["demo"]
    minutes = content.get("idle_minutes")
    if (
        isinstance(minutes, int | float)
        and not isinstance(minutes, bool)
        and math.isfinite(minutes)
        and MIN_IDLE_MINUTES <= minutes <= MAX_IDLE_MINUTES
    ):
        settings.idle_minutes = float(minutes)
    return settings


def save_settings(path: Path, settings: Settings) -> None:
    """Write the settings atomically, readable by the owner only; a failure is ignored
    (remembering the user is only a convenience).

    The temporary file gets a fresh random name (created exclusively, so a symlink planted
    beside the file is never followed) and mode 0600 from the start.
    """
    temporary: str | None = None
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
        )
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(asdict(settings), indent=2) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
        temporary = None
    except OSError:
        pass
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def idle_seconds(settings: Settings, override: float | None = None) -> float:
    """The idle time before auto-lock: the app's argument, else the environment, else the file."""
    if override is not None:
        return override
    from_environment = os.environ.get(IDLE_SECONDS_ENVIRONMENT, "")
    try:
        seconds = float(from_environment)
    except ValueError:
        seconds = 0.0
    if seconds > 0:
        return seconds
    return settings.idle_minutes * 60
