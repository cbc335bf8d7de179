"""The TUI's small, non-secret settings: the last user and the idle minutes before auto-lock.

A JSON file beside the database (``<db>.settings.json``) unless another path is given. It
never holds a passphrase or anything from the register; a damaged or missing file just means
the defaults.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

DEFAULT_IDLE_MINUTES = 10.0
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
        content = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Settings()
    if not isinstance(content, dict):
        return Settings()
    settings = Settings()
    if isinstance(content.get("last_user"), str):
        settings.last_user = content["last_user"]
    if isinstance(content.get("theme"), str):
        settings.theme = content["theme"]
    if isinstance(content.get("demo"), bool):
        settings.demo = content["demo"]
    minutes = content.get("idle_minutes")
    if isinstance(minutes, int | float) and not isinstance(minutes, bool) and minutes > 0:
        settings.idle_minutes = float(minutes)
    return settings


def save_settings(path: Path, settings: Settings) -> None:
    """Write the settings; a failure is ignored (remembering the user is only a convenience)."""
    temporary = path.with_name(path.name + ".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(json.dumps(asdict(settings), indent=2) + "\n", encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)


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
