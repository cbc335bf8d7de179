"""The one catalog of user-facing strings.

Swedish is the default language; English is chosen with ``--lang en`` or ``TRACKER_LANG=en``.
Every key has both languages and the same ``{placeholders}`` in each (a test enforces it).
This module imports nothing from the project, so every layer may use it.
"""

from __future__ import annotations

import os
import string

LANGUAGES = ("sv", "en")
_language = os.environ.get("TRACKER_LANG", "sv") if os.environ.get("TRACKER_LANG") in LANGUAGES else "sv"


def set_language(lang: str) -> None:
    """Choose the language for every later ``t()`` call."""
    global _language
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language: {lang}")
    _language = lang


def get_language() -> str:
    return _language


def t(key: str, lang: str | None = None, **params: object) -> str:
    """The message ``key`` in ``lang`` (default: the chosen language), filled with ``params``."""
    entry = CATALOG[key]
    return entry[lang or _language].format(**params)


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


# Keys are grouped by layer: "common.", "domain.", "store.", "keyfile.", "service.", "cli.",
# "demo.". Each group has its own section below; add new keys to the section of their layer.
CATALOG: dict[str, dict[str, str]] = {
    # --- common ---------------------------------------------------------------------------
    "common.yes": {"sv": "ja", "en": "yes"},
    "common.no": {"sv": "nej", "en": "no"},
    # --- domain ---------------------------------------------------------------------------
    # --- keyfile --------------------------------------------------------------------------
    # --- store ----------------------------------------------------------------------------
    # --- service --------------------------------------------------------------------------
    # --- cli ------------------------------------------------------------------------------
    # --- demo -----------------------------------------------------------------------------
}
