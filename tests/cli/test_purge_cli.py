"""tracker purge on the real command line, on the 300-participant demo register."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from cli_support import run_cli

from tracker.i18n import t

pytestmark = pytest.mark.cli

DEMO = {"TRACKER_USER": "demo", "TRACKER_PASSPHRASE": "demo", "TRACKER_DB": "db/demo.db"}


def test_purge_dry_run_then_purge_keeps_later_periods_and_refuses_purged_ones(
    tmp_path: Path,
) -> None:
    made = run_cli("demo", "--seed", "3", cwd=tmp_path, env={})
    assert made.code == 0, made
    before = run_cli("stats", "--period", "2026H1", "--json", cwd=tmp_path, env=DEMO)
    assert before.code == 0, before

    dry = run_cli("purge", "--closed-before", "2025-01-01", "--dry-run", cwd=tmp_path, env=DEMO)
    assert dry.code == 0, dry
    assert "Inget har ändrats" in dry.out
    missing_date = run_cli("purge", cwd=tmp_path, env=DEMO)
    assert missing_date.code == 2 and missing_date.err.strip() == t("purge.no_date", "sv")

    done = run_cli("purge", "--closed-before", "2025-01-01", cwd=tmp_path, env=DEMO)
    assert done.code == 0, done
    counts = re.compile(r"(\d+) ärenden \((\d+) händelser\)")
    assert counts.search(done.out).groups() == counts.search(dry.out).groups()  # type: ignore[union-attr]
    assert t("purge.backups_still_hold", "sv") in done.out

    verified = run_cli("audit", "verify", cwd=tmp_path, env=DEMO)
    assert verified.code == 0, verified
    assert "Gallrade:" in verified.out

    after = run_cli("stats", "--period", "2026H1", "--json", cwd=tmp_path, env=DEMO)
    assert after.code == 0, after

    def figures(run_out: str) -> dict:
        report = json.loads(run_out)
        report.pop("as_of")
        return report

    assert figures(after.out) == figures(before.out)
    refused = run_cli("stats", "--period", "2024H2", cwd=tmp_path, env=DEMO)
    assert refused.code == 1
    assert refused.err.strip() == t(
        "purge.period_purged", "sv", period="2024H2", first="2024-07-01", before="2025-01-01"
    )
