"""The domain's strings and its import boundary."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tracker.domain import CASE_KINDS, CORRECTION, DEFAULT_CODE_LISTS, RETRACTION, STATUSES
from tracker.i18n import CATALOG, placeholders, t

DOMAIN_DIR = Path(__file__).resolve().parents[2] / "tracker" / "domain"
SOURCES = sorted(DOMAIN_DIR.glob("*.py"))
DOMAIN_KEYS = sorted(k for k in CATALOG if k.startswith("domain."))


def used_keys() -> set[str]:
    """Every key the domain code can ask for, literal or built from a known set of names."""
    literal = set()
    for path in SOURCES:
        literal |= set(re.findall(r'"(domain\.[a-z_.]+[a-z_])"', path.read_text("utf-8")))
    built = {f"domain.{kind}_duplicate" for kind in ("application", "start", "non_start", "exit")}
    built |= {f"domain.{f}_missing" for f in ("referrer", "reason", "destination", "exit_kind")}
    built |= {
        f"domain.{f}_unknown" for f in ("referrer", "reason", "meeting", "destination", "exit_kind")
    }
    built |= {f"domain.kind.{k}" for k in (*CASE_KINDS, CORRECTION, RETRACTION)}
    built |= {f"domain.status.{s}" for s in STATUSES}
    built |= {f"domain.list.{name}" for name in (*DEFAULT_CODE_LISTS, "ladder")}
    built |= {"domain.list.follow_up_missed_reason"}  # a default the session supplies
    built |= {f"domain.follow_up_reason_{end}" for end in ("missing", "unknown")}
    return literal | built


def test_every_used_key_exists() -> None:
    missing = used_keys() - set(CATALOG)
    assert not missing


def test_no_unused_domain_keys() -> None:
    assert set(DOMAIN_KEYS) - used_keys() == set()


@pytest.mark.parametrize("key", DOMAIN_KEYS)
def test_key_has_both_languages_with_same_placeholders(key: str) -> None:
    entry = CATALOG[key]
    assert set(entry) == {"sv", "en"}
    assert entry["sv"].strip() and entry["en"].strip()
    assert placeholders(entry["sv"]) == placeholders(entry["en"])
    params = {name: "X" for name in placeholders(entry["sv"])}
    assert t(key, "sv", **params) and t(key, "en", **params)


def test_domain_imports_nothing_of_the_project_but_i18n() -> None:
    forbidden = ("textual", "sqlalchemy", "sqlcipher3", "alembic", "cryptography", "pandas")
    for path in SOURCES:
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                if name.startswith("tracker"):
                    assert name == "tracker.i18n" or name.startswith("tracker.domain"), (
                        f"{path.name} imports {name}"
                    )
                assert not name.startswith(forbidden), f"{path.name} imports {name}"
