"""Issue 4's acceptance check: a register built only through ``tracker import`` from a CSV gives,
in ``tracker stats --json``, exactly the counts a hand-count of the same file gives.

The file (tests/data/handcount_2026h1.csv) was counted by hand for 2026H1 (2026-01-01 ..
2026-06-30) and insats Samordningsteam Sala; each case exercises an edge of metrics.md:

- A: start on the first day, a step on the last day (active, step up: 2 → 5).
- B: exited the day before the period; its 6-month follow-up is due on the last day but was
  recorded the day after (followup_6m_missing).
- C: applied on the last day, started the day after (pending at the end).
- D: applied in the period, non-start decided after it (pending at the end).
- E: applied and withdrew within the period (not_started, reason atertagen).
- F: exited on the first day, level 2 → 6 (measurable, step up).
- G: started without an application, exited on the last day, 4 → 4 (measurable, no step up).
- H: 6-month follow-up due and held within the period.
- I: 18-month follow-up in the period, below the exit level (not held).
- J: active, no steps (no step up). K: fell back, exited without an exit level (not measurable).
- L: everything after the period. M: another insats (filtered out). N: closed before the period.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from cli_support import run_cli

pytestmark = pytest.mark.cli

DATA = Path(__file__).resolve().parents[1] / "data" / "handcount_2026h1.csv"
PASSPHRASE = "handräkning av en fil"
SALA = "Samordningsteam Sala"

# metric → (kvinna, man, ej_angivet, total), counted by hand from the file.
EXPECTED_COUNTS = {
    "contacts": (4, 3, 1, 8),  # A C F J | D G K | E
    "applications": (1, 2, 1, 4),  # C | D K | E
    "started": (2, 2, 0, 4),  # A J | G K
    "not_started": (0, 0, 1, 1),  # E
    "pending_at_end": (1, 1, 0, 2),  # C | D
    "enrolled": (3, 2, 0, 5),  # A F J | G K
    "active_at_end": (2, 0, 0, 2),  # A J (G exited on the last day)
    "active_step_up": (2, 0, 0, 2),  # A (2→5) F (2→6)
    "exits": (1, 2, 0, 3),  # F | G K
    "exits_handover": (0, 1, 0, 1),  # G
    "exits_measurable": (1, 1, 0, 2),  # F | G (K has no exit level)
    "step_up": (1, 0, 0, 1),  # F
    "followup_6m": (1, 0, 0, 1),  # H (B's is dated after the period)
    "followup_6m_held": (1, 0, 0, 1),  # H 5 ≥ 5
    "followup_18m": (0, 1, 0, 1),  # I
    "followup_18m_held": (0, 0, 0, 0),  # I 2 < 3
    "followup_6m_missing": (0, 1, 0, 1),  # B: due 2026-06-30, recorded 2026-07-02
    "followup_18m_missing": (0, 0, 0, 0),  # I was due 2026-06-01 and done 2026-05-20
}
GENDERS = ("kvinna", "man", "ej_angivet", "total")


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("handcount")
    shutil.copy(DATA, folder / "handcount.csv")
    created = run_cli(
        "init", "--user", "anna", "--insats", SALA, "--insats", "Samordningsteam Heby",
        cwd=folder, env={"TRACKER_NEW_PASSPHRASE": PASSPHRASE},
    )  # fmt: skip
    assert created.code == 0, created.err
    login = {"TRACKER_USER": "anna", "TRACKER_PASSPHRASE": PASSPHRASE}
    result = run_cli("import", "handcount.csv", cwd=folder, env=login)
    assert result.code == 0, result.err
    return folder, login


def _stats(folder: Path, login: dict[str, str], *extra: str) -> dict:
    result = run_cli("stats", "--period", "2026H1", "--json", *extra, cwd=folder, env=login)
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_counts_equal_the_hand_count(imported: tuple[Path, dict[str, str]]) -> None:
    report = _stats(*imported, "--insats", SALA)
    assert report["period"] == {"label": "2026H1", "first": "2026-01-01", "last": "2026-06-30"}
    found = {
        metric: tuple(report["counts"][metric][g] for g in GENDERS) for metric in EXPECTED_COUNTS
    }
    assert found == EXPECTED_COUNTS


def test_breakdowns_shares_and_median_equal_the_hand_count(
    imported: tuple[Path, dict[str, str]],
) -> None:
    report = _stats(*imported, "--insats", SALA)
    breakdowns = report["breakdowns"]
    assert breakdowns["not_started_by_reason"]["atertagen"]["ej_angivet"] == 1
    assert breakdowns["not_started_by_reason"]["uteblev"]["total"] == 0  # decided after P
    destinations = breakdowns["exits_by_destination"]
    assert destinations["forvarvsarbete"]["kvinna"] == 1
    assert destinations["studier"]["man"] == 1
    assert destinations["ej_redo"]["man"] == 1
    assert destinations["arbetssokande"]["total"] == 0  # B exited before P
    assert breakdowns["exits_by_kind"]["avbruten"]["man"] == 2
    assert breakdowns["exits_by_kind"]["avslutad"]["kvinna"] == 1

    shares = report["shares"]
    assert shares["step_up_share"]["total"]["num"] == 1
    assert shares["step_up_share"]["total"]["den"] == 2
    assert shares["step_up_share"]["total"]["value"] == pytest.approx(0.5)
    assert shares["handover_share"]["total"]["value"] == pytest.approx(1 / 3, abs=1e-3)
    assert shares["followup_18m_share"]["total"]["value"] == 0
    assert shares["step_up_share"]["ej_angivet"]["value"] is None  # no measurable exits
    # F 108 days, K 119, G 121.
    assert report["figures"]["days_in_insats_median"]["total"] == 119


def test_all_insatser_add_the_other_team(imported: tuple[Path, dict[str, str]]) -> None:
    report = _stats(*imported)
    assert report["counts"]["contacts"]["total"] == 9  # M of Heby joins
    assert report["counts"]["enrolled"]["kvinna"] == 4


def test_reimporting_the_file_adds_nothing(imported: tuple[Path, dict[str, str]]) -> None:
    folder, login = imported
    before = _stats(folder, login, "--insats", SALA)
    again = run_cli("import", "handcount.csv", cwd=folder, env=login)
    assert again.code == 0, again.err
    assert "40" in again.out  # every one of the 40 rows reported as skipped
    assert _stats(folder, login, "--insats", SALA)["counts"] == before["counts"]
