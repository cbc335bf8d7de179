"""Issue 10's board parts through the real command line, in subprocesses: the förbund's name as
a register setting, tertials and the other periods, future and running periods, and the
Uppföljning Finsam table of a year bundle (the tests' cheap key derivation:
tests/cli_support.py)."""

from __future__ import annotations

import json
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from bundle_support import build_cli_demo, cli_env
from cli_support import run_cli, run_side_by_side
from support import synthetic_personnummer

from tracker.services import registers

# The cheap key derivation here and in the CLI children (tests/cli_support.py).
pytestmark = [pytest.mark.cli, pytest.mark.usefixtures("cheap_kdf_module")]

SAM = "sam skriver in händelser"
FORBUND = "Samordningsförbundet Västra Mälardalen"
DEMO = cli_env("demo", registers.DEMO_PASSPHRASE)
STAFF = cli_env("sam", SAM)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("board-cli")
    build_cli_demo(folder, [("sam", "staff", SAM)], participants=80, seed=5)
    return folder


def _bundle_files(folder: Path, run_out: str) -> tuple[Path, dict[str, Any]]:
    path = folder / run_out.strip().splitlines()[-1]
    with zipfile.ZipFile(path) as archive:
        report = json.loads(archive.read("report.json"))
        manifest = json.loads(archive.read("manifest.json"))
    return path, {"report": report, "manifest": manifest}


def test_the_forbund_is_set_by_coordinators_and_used_by_reports(folder: Path) -> None:
    unset, staff, formula, personnummer = run_side_by_side(
        folder,
        (["forbund"], DEMO),
        (["forbund", "set", FORBUND], STAFF),
        (["forbund", "set", '=HYPERLINK("http://x","klicka")'], DEMO),
        (["forbund", "set", f"Förbund {synthetic_personnummer()}"], DEMO),
    )
    assert unset.code == 0 and "tracker forbund set" in unset.out
    assert staff.code == 1 and "får inte" in staff.err and "Traceback" not in staff.err
    assert formula.code == 1
    assert formula.err.strip() == (
        "Förbundets namn får inte börja med = (ett kalkylprogram läser det som en formel)."
    )
    assert personnummer.code == 1 and synthetic_personnummer()[:8] not in personnummer.err

    done = run_cli("forbund", "set", FORBUND, cwd=folder, env=DEMO)
    assert done.code == 0, done.err
    assert FORBUND in done.out and "loggad" in done.out
    shown, report, override = run_side_by_side(
        folder,
        (["forbund"], STAFF),  # everyone may read it
        (["report", "--period", "2026H1", "--format", "json", "--out", "ut"], STAFF),
        (
            [
                *("report", "--period", "2026H1", "--format", "json", "--out", "ut2"),
                *("--forbund", "Förbundet Annat"),
            ],
            DEMO,
        ),
    )
    assert shown.code == 0 and FORBUND in shown.out
    assert report.code == 0, report.err
    assert _bundle_files(folder, report.out)[1]["manifest"]["forbund"] == FORBUND
    assert override.code == 0, override.err
    assert _bundle_files(folder, override.out)[1]["manifest"]["forbund"] == "Förbundet Annat"
    after = run_cli("forbund", cwd=folder, env=DEMO)
    assert FORBUND in after.out  # the override changed nothing


def test_tertials_future_and_running_periods(folder: Path) -> None:
    running = str(date.today().year)  # the year of the real clock the CLI reads has not ended
    tertial, future_stats, future_report, now_stats, now_report = run_side_by_side(
        folder,
        (["stats", "--period", "2026T1", "--json"], DEMO),
        (["stats", "--period", "2099T2"], DEMO),
        (["report", "--period", "2099H1", "--format", "json", "--out", "framtid"], DEMO),
        (["stats", "--period", running], DEMO),
        (["report", "--period", running, "--format", "json", "--out", "nu"], STAFF),
    )
    assert tertial.code == 0, tertial.err
    report = json.loads(tertial.out)
    assert report["period"] == {"label": "2026T1", "first": "2026-01-01", "last": "2026-04-30"}
    assert report["comparison_period"]["label"] == "2025T1"
    assert report["counts"]["contacts"]["total"] > 0

    for run in (future_stats, future_report):
        assert run.code == 1 and run.out == "" and "Traceback" not in run.err
        assert "har inte börjat än" in run.err and "framtiden" in run.err
    assert not (folder / "framtid").exists()

    assert now_stats.code == 0, now_stats.err
    assert f"PRELIMINÄR: perioden slutar {running}-12-31" in now_stats.out
    assert now_report.code == 0, now_report.err
    path, files = _bundle_files(folder, now_report.out)
    assert "_preliminar_" in path.name
    assert files["report"]["preliminary"] is True and files["manifest"]["preliminary"] is True
    verified = run_cli("verify", str(path), cwd=folder, env={"TRACKER_DB": "nowhere.db"})
    assert verified.code == 0 and "PRELIMINÄR" in verified.out


def test_the_year_bundle_has_uppfoljning_finsam_and_recounts(folder: Path) -> None:
    run = run_cli(
        *("report", "--period", "2025", "--format", "csv,json", "--out", "ar"), cwd=folder, env=DEMO
    )
    assert run.code == 0, run.err
    path, files = _bundle_files(folder, run.out)
    report = files["report"]
    assert report["finsam"]["year"] == 2025
    assert set(report["breakdowns"]["started_by_insats"]) == set(report["insatser"])
    with zipfile.ZipFile(path) as archive:
        table = archive.read("csv/finsam.csv").decode("utf-8-sig")
    assert f"{report['insatser'][0]}: nya under året" in table
    assert "Alla insatser: aktiva under året" in table
    recounted = run_cli("audit", "recount", str(path), cwd=folder, env=DEMO)
    assert recounted.code == 0, recounted.err + recounted.out
    assert "räknades om till samma värde" in recounted.out
