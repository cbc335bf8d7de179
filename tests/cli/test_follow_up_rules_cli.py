"""Issue 14 through the real command line: a follow-up too early is refused naming the first
allowed day; an overdue follow-up closed as "kunde inte nås" leaves the due list and counts
as missing with its reason in ``stats --json``; a participant comes back under the same code;
and a correction in the import file replaces an exit's destination."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

import pytest
from cli_support import run_cli

from tracker.domain.dates import add_months
from tracker.services import cases, registers

pytestmark = pytest.mark.cli

SALA = "Samordningsteam Sala"
ANNA = ("anna", "korrekt häst batteri zebra")
ENV = {"TRACKER_USER": ANNA[0], "TRACKER_PASSPHRASE": ANNA[1]}
TODAY = date.today()
HEADER = [
    "deltagare",
    "kön",
    "insats",
    "händelse",
    "datum",
    "nivå",
    "orsak",
    "avslutstyp",
    "ordinarie_insats",
    "månader",
    "part",
    "rättar",
    "rättelseorsak",
]


def ago(days: int) -> str:
    return (TODAY - timedelta(days=days)).isoformat()


def row(**cells: str) -> list[str]:
    return [cells.get(name, "") for name in HEADER]


def write_csv(path: Path, rows: Sequence[Sequence[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def test_follow_up_window_not_made_reason_return_and_correction(tmp_path: Path) -> None:
    db = tmp_path / "db" / "tracker.db"
    registers.create_register(db, user=ANNA[0], passphrase=ANNA[1], insatser=[SALA])
    env = {**ENV, "TRACKER_DB": str(db)}
    exit_day = TODAY - timedelta(days=300)
    opening = [
        row(
            deltagare="EVA-1", kön="kvinna", insats=SALA, händelse="start", datum=ago(400), nivå="3"
        ),
        row(
            deltagare="EVA-1",
            händelse="avslut",
            datum=exit_day.isoformat(),
            nivå="5",
            orsak="arbetssokande",
            avslutstyp="avslutad",
            ordinarie_insats="nej",
        ),
    ]
    done = run_cli("import", str(write_csv(tmp_path / "a.csv", opening)), cwd=tmp_path, env=env)
    assert done.code == 0, done.err

    # A 6-month follow-up 30 days after the exit: refused, naming the first allowed day.
    early = row(
        deltagare="EVA-1",
        händelse="uppföljning",
        datum=(exit_day + timedelta(days=30)).isoformat(),
        nivå="5",
        månader="6",
    )
    refused = run_cli("import", str(write_csv(tmp_path / "b.csv", [early])), cwd=tmp_path, env=env)
    assert refused.code == 1
    assert add_months(exit_day, 5).isoformat() in refused.err
    assert "Traceback" not in refused.err

    # Overdue (due exit + 6 months, long ago): closed as not made, "kunde inte nås".
    with registers.open_session(db, user=ANNA[0], passphrase=ANNA[1]) as session:
        assert [(d.code, d.months) for d in cases.follow_ups_due(session)][:1] == [("EVA-1", 6)]
    missed = row(
        deltagare="EVA-1",
        händelse="uppföljning",
        datum=ago(10),
        orsak="Kunde inte nås",
        månader="6",
    )
    # The participant comes back: a new application and a start under the same code.
    back = [
        row(deltagare="EVA-1", händelse="ansökan", datum=ago(60), part="egen"),
        row(deltagare="EVA-1", händelse="start", datum=ago(50), nivå="4"),
    ]
    # And the first exit's destination was wrong: a correction row names it by its date.
    fix = row(
        deltagare="EVA-1",
        händelse="avslut",
        datum=exit_day.isoformat(),
        nivå="5",
        orsak="studier",
        avslutstyp="avslutad",
        ordinarie_insats="nej",
        rättar=exit_day.isoformat(),
        rättelseorsak="felregistrering",
    )
    done = run_cli(
        "import", str(write_csv(tmp_path / "c.csv", [missed, *back, fix])), cwd=tmp_path, env=env
    )
    assert done.code == 0, done.err
    assert "Rättelser: 1" in done.out

    with registers.open_session(db, user=ANNA[0], passphrase=ANNA[1]) as session:
        assert "EVA-1" not in [d.code for d in cases.follow_ups_due(session) if d.months == 6]
        view = cases.get_case(session, "EVA-1")
    assert sorted({e.episode for e in view.events}) == [1, 2]
    assert view.summary.status == "active" and view.summary.episode == 2

    due = add_months(exit_day, 6)
    stats = run_cli(
        "stats", "--from", ago(400), "--to", TODAY.isoformat(), "--json", cwd=tmp_path, env=env
    )
    assert stats.code == 0, stats.err
    report = json.loads(stats.out)
    assert report["counts"]["followup_6m_missing"]["kvinna"] == 1
    assert report["counts"]["followup_6m"]["total"] == 0
    by_reason = report["breakdowns"]["followup_6m_missing_by_reason"]
    assert by_reason["kunde_inte_nas"]["total"] == 1
    assert by_reason["ej_registrerad"]["total"] == 0
    assert report["counts"]["started"]["total"] == 2  # both episodes
    assert report["breakdowns"]["exits_by_destination"]["studier"]["total"] == 1
    assert report["breakdowns"]["exits_by_destination"]["arbetssokande"]["total"] == 0
    assert due.isoformat() < TODAY.isoformat()
