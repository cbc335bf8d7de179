"""Where the register lives: the settings file that names it, and the program-folder check.

The default register path, ``db/tracker.db`` under the current folder, is inside the program's
folder when tracker runs from a source checkout. Deleting, re-cloning or ``git clean -x`` of that
folder deletes the register with it, so the commands warn when a register or its backups live
there, and a settings file (or ``TRACKER_DB``) can point to a register elsewhere.
"""

from __future__ import annotations

import os
import sys
import tomllib
from pathlib import Path

CONFIG_ENVIRONMENT = "TRACKER_CONFIG"
CONFIG_NAME = "tracker.toml"


def config_path() -> Path:
    """The settings file: ``$TRACKER_CONFIG``, else ``tracker.toml`` in the user's settings
    folder (``%APPDATA%\\tracker`` on Windows, ``~/Library/Application Support/tracker`` on
    macOS, ``$XDG_CONFIG_HOME/tracker`` or ``~/.config/tracker`` elsewhere)."""
    if os.environ.get(CONFIG_ENVIRONMENT):
        return Path(os.environ[CONFIG_ENVIRONMENT])
    if sys.platform == "win32" and os.environ.get("APPDATA"):
        base = Path(os.environ["APPDATA"])
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "tracker" / CONFIG_NAME


def configured_db() -> Path | None:
    """The register path named by the settings file (``db = "…"``), or None without one.

    A relative path counts from the settings file's folder. A file that cannot be read is
    refused with a clear message rather than silently falling back to another register.
    """
    # Read on every command that opens a register, so only the standard library at start-up
    # (the command line's start-up rule); the error class is imported when needed.
    path = config_path()
    try:
        content = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise _unreadable(path) from error
    value = content.get("db")
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise _unreadable(path)
    db = Path(value).expanduser()
    return db if db.is_absolute() else path.parent / db


def _unreadable(path: Path) -> Exception:
    from tracker.services.session import ServiceError

    return ServiceError("locations.config_unreadable", path=str(path))


def program_folder() -> Path | None:
    """The source checkout tracker runs from, or None when it is installed as a package."""
    root = Path(__file__).resolve().parents[2]
    return root if (root / "pyproject.toml").exists() else None


def inside_program_folder(path: Path, root: Path | None = None) -> bool:
    """True when ``path`` lies inside the program's folder (lost if that folder is removed)."""
    root = root or program_folder()
    if root is None:
        return False
    return Path(path).absolute().resolve().is_relative_to(root.resolve())


def same_disk(first: Path, second: Path) -> bool:
    """True when both paths (or their nearest existing folders) are on one file system."""

    def device(path: Path) -> int | None:
        path = Path(path).absolute()
        for candidate in (path, *path.parents):
            if candidate.exists():
                return candidate.stat().st_dev
        return None

    first_device = device(first)
    return first_device is not None and first_device == device(second)
