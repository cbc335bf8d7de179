"""Benchmark: importing a 250,000-row spreadsheet (run with ``-m perf -s``; never timed in CI).

The county-scale demo register (tests/county_support.py, about 165,000 case events) is exported
in the import format, and its cases are copied under new participant codes until the file holds
250,000 rows (kept in ``tmp/perf/``). Two fresh processes then run, interleaved, so that
neither inherits the other's memory: the baseline, a bare ``pandas.read_csv`` of the file, and
the whole import (validation, writing, commit) into a fresh register with the same insatser.
Each reports its time and its peak RSS, measured from just before the work (Linux resets the
peak through /proc/self/clear_refs, so the login's Argon2id does not count). Goal: peak RSS
under 350 MB and at least 15,000 rows/s; docs/performance.md ("Import") records the figures.

    uv run pytest -m perf tests/perf/test_import_perf.py -s
    TRACKER_PERF_ROWS=50000 uv run pytest -m perf tests/perf/test_import_perf.py -s   # quick
"""

from __future__ import annotations

import csv
import json
import os
import random
import statistics
import subprocess
import sys
from pathlib import Path

import pytest
from county_support import (
    COUNTY,
    COUNTY_PASSPHRASE,
    COUNTY_TODAY,
    COUNTY_USER,
    county_register,
)

from tracker.domain.participant_code import generate_code
from tracker.services import cases, importer, registers

pytestmark = pytest.mark.perf

ROWS = int(os.environ.get("TRACKER_PERF_ROWS", "250000"))
ROUNDS = int(os.environ.get("TRACKER_PERF_ROUNDS", "2"))

# Run in a fresh interpreter: reset the peak, do the work, print time and peak as JSON.
_MEASURE = """
import json, resource, sys, time
from pathlib import Path

def peak_mib():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

csv_path, mode = Path(sys.argv[1]), sys.argv[2]
import pandas as pd
from tracker.services import importer, registers
from tracker.store import keyfile
result = {}
if mode == "import":
    cheap = keyfile.KdfParams(memory_cost=8, iterations=1, lanes=1)
    keyfile.DEFAULT_KDF = keyfile.KDF_FLOOR = cheap
    target = Path(sys.argv[3])
    registers.create_register(
        target, user="anna", passphrase="korrekt häst batteri", insatser=sys.argv[4:]
    )
    session = registers.open_session(target, user="anna", passphrase="korrekt häst batteri")
try:
    Path("/proc/self/clear_refs").write_text("5")
except OSError:
    pass
started, cpu = time.perf_counter(), time.process_time()
if mode == "import":
    with session:
        summary = importer.import_file(session, csv_path)
    result["events"] = summary.events_written
    result["cases"] = summary.cases_created
else:
    result["rows"] = len(pd.read_csv(csv_path, dtype=str, keep_default_na=False))
result["seconds"] = time.perf_counter() - started
result["cpu"] = time.process_time() - cpu
result["peak_mib"] = peak_mib()
print(json.dumps(result))
"""


def _import_file(rows: int) -> tuple[Path, list[str], int]:
    """The CSV (built once and kept), the insatser it names, and how many cases it holds."""
    source = county_register()
    path = COUNTY.with_name(f"import-{rows}.csv")
    with registers.open_session(
        source, user=COUNTY_USER, passphrase=COUNTY_PASSPHRASE, today=lambda: COUNTY_TODAY
    ) as session:
        insatser = cases.insats_names(session)
        exported = importer.export_rows(session) if not path.exists() else []
    if not path.exists():
        by_case: dict[str, list[dict[str, str]]] = {}
        for row in exported:
            by_case.setdefault(row["deltagare"], []).append(row)
        chosen = list(by_case.values())
        rng = random.Random(16)
        while len(exported) < rows:  # whole cases again, under new codes
            case = rng.choice(chosen)
            code = generate_code(rng)
            exported.extend({**row, "deltagare": code} for row in case)
        exported = exported[:rows]
        with path.open("w", encoding="utf-8", newline="") as stream:
            writer = csv.DictWriter(stream, fieldnames=list(exported[0]))
            writer.writeheader()
            writer.writerows(exported)
    with path.open(encoding="utf-8") as stream:
        codes = {row["deltagare"] for row in csv.DictReader(stream)}
    return path, insatser, len(codes)


def _measure(*args: str) -> dict[str, float]:
    run = subprocess.run(
        [sys.executable, "-c", _MEASURE, *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=1800,
    )
    return json.loads(run.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_import_of_250000_rows_against_a_pandas_read(tmp_path: Path) -> None:
    path, insatser, case_count = _import_file(ROWS)
    reads, imports = [], []
    for round_number in range(ROUNDS):
        reads.append(_measure(str(path), "read"))
        target = tmp_path / f"target-{round_number}.db"
        imports.append(_measure(str(path), "import", str(target), *insatser))
    for result in imports:
        # Cases copied under a new code that happens to collide are merged, never lost.
        assert result["cases"] <= case_count and result["events"] > 0.9 * ROWS
    read = statistics.median(r["seconds"] for r in reads)
    read_cpu = statistics.median(r["cpu"] for r in reads)
    took = statistics.median(r["seconds"] for r in imports)
    took_cpu = statistics.median(r["cpu"] for r in imports)
    peak = max(r["peak_mib"] for r in imports)
    print(
        f"\nfile: {ROWS:,} rows, {case_count:,} participants, {len(insatser)} insatser"
        f"\nbaseline pandas.read_csv: median {read:.2f} s ({read_cpu:.2f} s CPU), peak RSS "
        f"{max(r['peak_mib'] for r in reads):.0f} MiB"
        f"\nimport: median {took:.1f} s = {ROWS / took:,.0f} rows/s = {took / read:.0f} x the"
        f" read; CPU {took_cpu:.1f} s = {ROWS / took_cpu:,.0f} rows/s of CPU ="
        f" {took_cpu / read_cpu:.0f} x the read's CPU"
        f"\npeak RSS {peak:.0f} MiB ({peak * 1.048576:.0f} MB)"
        f"\n(goal: peak RSS under 350 MB, at least 15,000 rows/s)"
    )
