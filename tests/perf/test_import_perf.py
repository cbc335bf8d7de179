"""Benchmark: importing a county-sized spreadsheet (run with ``-m perf -s``; never timed in CI).

A demo register (default 20,000 participants, ten insatser) is exported in the import format,
and the file is imported into a fresh register with the same insatser. The figures are printed
with a baseline measured in the same run: pandas reading the same file plus a bare scan of the
source register's event table, the least any import must do (read the rows, touch the log).

    uv run pytest -m perf tests/perf/test_import_perf.py -s
    TRACKER_PERF_PARTICIPANTS=3000 uv run pytest -m perf tests/perf/test_import_perf.py -s
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select
from support import PASSPHRASE, TODAY

from tracker.services import cases, demo, importer, registers
from tracker.store.schema import events

pytestmark = pytest.mark.perf

PARTICIPANTS = int(os.environ.get("TRACKER_PERF_PARTICIPANTS", "20000"))


def test_import_of_an_exported_demo_register(tmp_path: Path, cheap_kdf: object) -> None:
    started = time.perf_counter()
    built = demo.build_demo(tmp_path / "demo.db", participants=PARTICIPANTS, seed=1, today=TODAY)
    demo_seconds = time.perf_counter() - started
    exported = tmp_path / "events.csv"
    with registers.open_session(
        built.db_path, user="demo", passphrase="demo", today=lambda: TODAY
    ) as source:
        started = time.perf_counter()
        rows = importer.export_events_csv(source, exported)
        export_seconds = time.perf_counter() - started
        # Baseline: the bare minimum an import touches.
        started = time.perf_counter()
        frame = pd.read_csv(exported, dtype=str, keep_default_na=False)
        with source.read() as connection:
            scanned = len(connection.execute(select(events)).all())
        baseline_seconds = time.perf_counter() - started
        source_cases = len(cases.list_cases(source))
    assert len(frame) == rows and scanned >= rows

    target_path = tmp_path / "target.db"
    registers.create_register(
        target_path,
        user="anna",
        passphrase=PASSPHRASE,
        insatser=built.insatser,
        today=lambda: TODAY,
    )
    with registers.open_session(
        target_path, user="anna", passphrase=PASSPHRASE, today=lambda: TODAY
    ) as target:
        started = time.perf_counter()
        planned = importer.import_file(target, exported, dry_run=True)
        validate_seconds = time.perf_counter() - started
        started = time.perf_counter()
        summary = importer.import_file(target, exported)
        import_seconds = time.perf_counter() - started
        assert summary.cases_created == source_cases == planned.cases_created
        assert summary.events_written + summary.duplicates_in_file == rows

    print()
    print(
        f"demo register: {PARTICIPANTS} participants, {built.events} case events, "
        f"built in {demo_seconds:.1f} s"
    )
    print(f"export: {rows} rows in {export_seconds:.1f} s")
    print(
        f"baseline (pandas read of the CSV + bare scan of {scanned} events): "
        f"{baseline_seconds:.2f} s"
    )
    print(
        f"validation only (--dry-run): {validate_seconds:.1f} s "
        f"= {validate_seconds / baseline_seconds:.0f} x baseline"
    )
    print(
        f"import: {summary.events_written} events in {import_seconds:.1f} s, "
        f"{rows / import_seconds:,.0f} rows/s = {import_seconds / baseline_seconds:.0f} x baseline"
    )
