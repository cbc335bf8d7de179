"""Benchmark: the board's report bundle for one team's half-year, against computing its figures.

    uv run pytest -m perf tests/perf/test_report_perf.py -s

A team-sized demo register (300 participants, ``build_demo(seed=1)``) is built in a temporary
folder. The baseline is ``build_report`` (reading the log and computing every figure); each
step of ``tracker report`` is timed in the same run and printed as a ratio to it. Prints the
figures; docs/performance.md ("Rapportpaket") records them. Nothing here asserts a time.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tracker.domain.periods import Period
from tracker.reports.bundle import export_bundle, verify_bundle
from tracker.reports.info import ReportInfo
from tracker.reports.pdf import write_pdf
from tracker.reports.suppression import count_cells, suppress_report
from tracker.reports.tables import report_tables, write_csv, write_xlsx
from tracker.services import registers
from tracker.services.demo import DEMO_USER, build_demo
from tracker.stats.report import build_report

pytestmark = pytest.mark.perf

TODAY = date(2026, 11, 20)
PERIOD = Period.parse("2026H1")
ROUNDS = 3


def _median_time(action: Callable[[], object]) -> float:
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def test_report_bundle_against_computing_its_figures(tmp_path: Path) -> None:
    path = tmp_path / "team.db"
    build_demo(path, participants=300, seed=1, today=TODAY)
    with registers.open_session(
        path, user=DEMO_USER, passphrase=registers.DEMO_PASSPHRASE, today=lambda: TODAY
    ) as session:
        build_report(session, PERIOD)  # pandas' lazy imports out of the way
        raw = build_report(session, PERIOD)
        suppressed = suppress_report(raw, 5)
        tables = report_tables(suppressed)
        info = ReportInfo(
            forbund="Samordningsförbundet Exempel",
            generated_at=datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
            signer_fingerprint=registers.public_key(session).fingerprint,
            demo=True,
            threshold=5,
            tool_version="bench",
            database_id="bench",
        )
        baseline = _median_time(lambda: build_report(session, PERIOD))
        steps = {
            "suppress_report": _median_time(lambda: suppress_report(raw, 5)),
            "report_tables": _median_time(lambda: report_tables(suppressed)),
            "write_csv": _median_time(lambda: write_csv(tables)),
            "write_xlsx": _median_time(lambda: write_xlsx(suppressed, tables, info)),
            "write_pdf": _median_time(lambda: write_pdf(suppressed, tables, info)),
        }
        bundles: list[Path] = []
        steps["export_bundle (all)"] = _median_time(
            lambda: bundles.append(export_bundle(session, PERIOD, out_dir=tmp_path / "out"))
        )
    steps["verify_bundle"] = _median_time(lambda: verify_bundle(bundles[-1]))

    cells = count_cells(suppressed)
    hidden = sum(isinstance(value, str) for value in cells.values())
    lines = [
        f"register: 300 participants; report {PERIOD.label}: {len(cells)} count cells, "
        f"{hidden} hidden",
        f"baseline build_report: median {baseline:.3f} s",
        *(
            f"{name:<22} {seconds:.3f} s  {seconds / baseline:5.2f} x"
            for name, seconds in steps.items()
        ),
    ]
    print("\n" + "\n".join(lines))
    assert verify_bundle(bundles[-1]).ok
