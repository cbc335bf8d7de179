"""Uppföljning Finsam in the year bundle (issue 10): per insats and calendar year, the new and
the active participants by gender, computed by the stats engine, protected with the rest of the
report and covered by the recount."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from bundle_support import NOW, DemoRegister, demo_register
from openpyxl import load_workbook

from tracker.domain.periods import Period
from tracker.i18n import t
from tracker.reports.bundle import export_bundle, read_bundle
from tracker.reports.recount import recount, recount_report, report_cells
from tracker.reports.suppression import count_cells
from tracker.stats.engine import COLUMNS
from tracker.stats.report import FINSAM_BREAKDOWNS, build_report

YEAR = Period.parse("2025")
NEW, ACTIVE = FINSAM_BREAKDOWNS["new"], FINSAM_BREAKDOWNS["active"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoRegister]:
    with demo_register(tmp_path_factory.mktemp("finsam"), participants=120) as register:
        yield register


@pytest.fixture(scope="module")
def year_bundle(demo: DemoRegister) -> Path:
    with demo.login() as session:
        return export_bundle(session, YEAR, out_dir=demo.folder / "year", now=NOW)


def test_the_counts_are_each_insats_own_started_and_enrolled(demo: DemoRegister) -> None:
    with demo.login() as session:
        report = build_report(session, YEAR)
        alone = {name: build_report(session, YEAR, [name]) for name in report["insatser"]}
        half = build_report(session, Period.parse("2025H2"))
        custom_year = build_report(session, Period.parse("2025-01-01..2025-12-31"))
    assert report["finsam"] == {"year": 2025, "breakdowns": dict(FINSAM_BREAKDOWNS)}
    new, active = report["breakdowns"][NEW], report["breakdowns"][ACTIVE]
    assert list(new) == list(active) == report["insatser"]
    for name, own in alone.items():
        assert new[name] == own["counts"]["started"]
        assert active[name] == own["counts"]["enrolled"]
        # A one-insats report carries its own row, equal to its totals.
        assert own["breakdowns"][NEW] == {name: own["counts"]["started"]}
    for column in COLUMNS:
        assert sum(row[column] for row in new.values()) == report["counts"]["started"][column]
        assert sum(row[column] for row in active.values()) == report["counts"]["enrolled"][column]
    assert sum(row["total"] for row in active.values()) > sum(row["total"] for row in new.values())
    # Only a calendar year has the follow-up; the comparison part never does.
    assert "finsam" not in half and NEW not in half["breakdowns"]
    assert NEW not in report["comparison"]["breakdowns"]
    assert custom_year["breakdowns"][NEW] == new


def test_the_year_bundle_has_the_sheet_the_csv_and_protected_cells(
    year_bundle: Path, demo: DemoRegister
) -> None:
    bundle = read_bundle(year_bundle)
    report = bundle.report
    threshold = report["suppression"]["threshold"]
    finsam = {
        cell: value
        for cell, value in count_cells(report).items()
        if cell[0] == "breakdowns" and cell[1] in (NEW, ACTIVE)
    }
    assert finsam
    # Protected like every count: no small number is published, and some were hidden.
    shown = [v for v in finsam.values() if isinstance(v, int)]
    assert all(v == 0 or v >= threshold for v in shown)
    assert any(isinstance(v, str) for v in finsam.values())

    frame = pd.read_csv(io.BytesIO(bundle.members["csv/finsam.csv"]), encoding="utf-8-sig")
    name = report["insatser"][0]
    labels = list(frame.iloc[:, 0])
    assert labels[:2] == [
        t("tables.finsam.new", "sv", insats=name),
        t("tables.finsam.active", "sv", insats=name),
    ]
    assert len(labels) == 2 * len(report["insatser"]) + 2
    row = frame.iloc[1, 1:].tolist()
    assert [str(v) for v in row] == [str(report["breakdowns"][ACTIVE][name][c]) for c in COLUMNS]

    book = load_workbook(io.BytesIO(bundle.members["report.xlsx"]))
    assert "Uppföljning Finsam" in book.sheetnames
    sheet = book["Uppföljning Finsam"]
    values = [cell.value for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert t("tables.finsam.active", "sv", insats=name) in values

    with demo.login() as session:
        half = export_bundle(session, Period.parse("2025H2"), formats=["csv", "json"])
    assert "csv/finsam.csv" not in read_bundle(half).members
    half.unlink()


def test_the_recount_covers_the_finsam_cells(year_bundle: Path, demo: DemoRegister) -> None:
    with demo.login() as session:
        result = recount(session, year_bundle)
        assert result.ok, (result.problems, result.differences)
        report = json.loads(json.dumps(read_bundle(year_bundle).report))
        name = report["insatser"][-1]
        cell: dict[str, Any] = report["breakdowns"][ACTIVE][name]
        true_total = cell["total"]
        cell["total"] = true_total + 1 if isinstance(true_total, int) else 99
        changed = recount_report(session, report)
    assert not changed.ok
    (difference,) = changed.differences
    assert difference.cell == ("breakdowns", ACTIVE, name, "total")
    assert difference.place.startswith("Uppföljning Finsam: aktiva under året per insats")
    # Every Finsam cell is among the cells the recount compared.
    cells = report_cells(read_bundle(year_bundle).report)
    assert result.cells_compared == len(cells)
    assert sum(cell[:2] == ("breakdowns", ACTIVE) for cell in cells) == 4 * len(report["insatser"])
