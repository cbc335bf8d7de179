"""tracker insats add/rename/close/list on the real command line, and the sample import file
that needs a second insats."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_support import run_cli

from tracker.i18n import t

pytestmark = pytest.mark.cli

SAMPLE = Path(__file__).parents[1] / "data" / "handcount_2026h1.csv"
LOGIN = {"TRACKER_USER": "anna", "TRACKER_PASSPHRASE": "korrekt häst batteri zebra"}


def test_adding_the_second_team_lets_the_sample_file_import(tmp_path: Path) -> None:
    created = run_cli(
        "init",
        "--user",
        "anna",
        "--insats",
        "Samordningsteam Sala",
        cwd=tmp_path,
        env={"TRACKER_NEW_PASSPHRASE": LOGIN["TRACKER_PASSPHRASE"]},
    )
    assert created.code == 0, created
    missing = run_cli("import", str(SAMPLE), cwd=tmp_path, env=LOGIN)
    assert missing.code == 1
    assert t("service.unknown_insats", "sv", insats="Samordningsteam Heby") in missing.err

    formula = run_cli("insats", "add", "=HYPERLINK(1)", cwd=tmp_path, env=LOGIN)
    assert formula.code == 1 and formula.err.strip() == t("domain.name_formula", "sv", first="=")
    added = run_cli("insats", "add", "Samordningsteam Heby", cwd=tmp_path, env=LOGIN)
    assert added.code == 0 and "Samordningsteam Heby" in added.out
    imported = run_cli("import", str(SAMPLE), cwd=tmp_path, env=LOGIN)
    assert imported.code == 0, imported

    closed = run_cli(
        "insats", "close", "Samordningsteam Heby", "--on", "2026-06-30", cwd=tmp_path, env=LOGIN
    )
    assert closed.code == 0, closed
    bad_date = run_cli(
        "insats", "close", "Samordningsteam Sala", "--on", "30/6", cwd=tmp_path, env={}
    )
    assert bad_date.code == 2
    listed = run_cli("insats", cwd=tmp_path, env=LOGIN)
    assert listed.out.splitlines() == [
        "Samordningsteam Sala",
        t("insats.row_closed", "sv", name="Samordningsteam Heby", on="2026-06-30"),
    ]
    verified = run_cli("audit", "verify", cwd=tmp_path, env=LOGIN)
    assert verified.code == 0, verified
