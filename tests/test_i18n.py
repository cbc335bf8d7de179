"""The string catalog: every message in Swedish and English, with the same placeholders."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tracker.i18n import CATALOG, LANGUAGES, placeholders, set_language, t

PACKAGE = Path(__file__).resolve().parents[1] / "tracker"


@pytest.mark.parametrize("key", sorted(CATALOG))
def test_every_key_has_both_languages_with_the_same_placeholders(key: str) -> None:
    entry = CATALOG[key]
    assert set(entry) == set(LANGUAGES)
    assert all(entry[lang].strip() for lang in LANGUAGES)
    assert placeholders(entry["sv"]) == placeholders(entry["en"])


def test_language_switch() -> None:
    try:
        set_language("en")
        assert t("common.yes") == "yes"
        set_language("sv")
        assert t("common.yes") == "ja"
        with pytest.raises(ValueError):
            set_language("de")
    finally:
        set_language("sv")


def _literal_keys() -> set[str]:
    """Catalog keys named as string literals in the code (t("…"), Violation("…"), …)."""
    prefixes = tuple(
        f"{group}." for group in ("cli", "service", "store", "domain", "keyfile", "demo")
    )
    keys: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        if path.name == "i18n.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                value = node.value
                file_name = value.endswith((".db", ".keys", "."))
                if value.startswith(prefixes) and " " not in value and not file_name:
                    keys.add(value)
    return keys


def test_every_key_used_in_the_code_exists() -> None:
    missing = sorted(key for key in _literal_keys() if key not in CATALOG)
    assert missing == []


def test_placeholders_may_share_names_with_the_parameters_of_t() -> None:
    assert t("cli.public_key", "en", key="QUJD") == "Register key, public half (Ed25519): QUJD"
