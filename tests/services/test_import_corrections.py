"""Correction rows, follow-ups not made and returning participants in the import format."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import pytest
from support import INSATSER

from tracker.services import cases, importer
from tracker.services.importer import ImportRejected
from tracker.services.session import Session

SALA = INSATSER[0]
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


def row(**cells: str) -> list[str]:
    return [cells.get(name, "") for name in HEADER]


def write(tmp_path: Path, name: str, rows: Sequence[Sequence[str]]) -> Path:
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


EXIT = {
    "händelse": "avslut",
    "datum": "2025-06-02",
    "nivå": "6",
    "orsak": "arbetssokande",
    "avslutstyp": "avslutad",
    "ordinarie_insats": "ja",
}
BASE = [
    row(
        deltagare="ANNA-1",
        kön="kvinna",
        insats=SALA,
        händelse="ansökan",
        datum="2025-01-10",
        part="af",
    ),
    row(deltagare="ANNA-1", händelse="start", datum="2025-02-01", nivå="2"),
    row(deltagare="ANNA-1", **EXIT),
]


@pytest.fixture
def imported(session: Session, tmp_path: Path) -> Session:
    importer.import_file(session, write(tmp_path, "base.csv", BASE))
    return session


def test_a_correction_row_by_date_replaces_the_exit(imported: Session, tmp_path: Path) -> None:
    fix = row(deltagare="ANNA-1", **{**EXIT, "orsak": "studier"}, rättar="2025-06-02")
    summary = importer.import_file(imported, write(tmp_path, "fix.csv", [fix]))
    assert summary.corrections == 1 and summary.events_written == 0
    view = cases.get_case(imported, "ANNA-1")
    assert view.events[-1].destination == "studier"
    timeline = cases.case_timeline(imported, "ANNA-1")
    assert timeline[-1].kind == "correction" and timeline[-1].payload["reason"] == "annat"
    assert next(e for e in timeline if e.kind == "exit").superseded
    # The same file again: nothing left to change.
    again = importer.import_file(imported, write(tmp_path, "fix.csv", [fix]))
    assert again.corrections == 0 and again.already_present == 1


def test_a_correction_row_by_number_corrects_gender_and_referrer(
    imported: Session, tmp_path: Path
) -> None:
    seq = cases.get_case(imported, "ANNA-1").events[0].seq
    fix = row(
        deltagare="ANNA-1",
        kön="man",
        händelse="ansökan",
        datum="2025-01-10",
        part="fk",
        rättar=f"#{seq}",
        rättelseorsak="felregistrering",
    )
    importer.import_file(imported, write(tmp_path, "fix.csv", [fix]))
    view = cases.get_case(imported, "ANNA-1")
    assert view.gender == "man" and view.events[0].referrer == "fk"


def test_correction_rows_that_point_at_nothing_or_the_wrong_kind_are_refused(
    imported: Session, tmp_path: Path
) -> None:
    seq = cases.get_case(imported, "ANNA-1").events[0].seq
    # Cells wrong on their own (reported first; the participant's case is not checked then).
    cells = [
        row(deltagare="ANNA-1", **EXIT, rättar="igår"),
        row(deltagare="ANNA-1", händelse="start", datum="2025-02-01", rättelseorsak="annat"),
    ]
    with pytest.raises(ImportRejected) as rejected:
        importer.import_file(imported, write(tmp_path, "cells.csv", cells))
    keys = {problem.row: problem.violation.key for problem in rejected.value.problems}
    assert keys == {2: "import.bad_corrects", 3: "import.reason_without_corrects"}
    targets = [
        row(deltagare="ANNA-1", **EXIT, rättar="2025-06-03"),  # no exit that day
        row(deltagare="ANNA-1", **EXIT, rättar=f"#{seq}"),  # the application
    ]
    with pytest.raises(ImportRejected) as rejected:
        importer.import_file(imported, write(tmp_path, "targets.csv", targets))
    keys = {problem.row: problem.violation.key for problem in rejected.value.problems}
    assert keys == {2: "import.corrects_nothing", 3: "import.corrects_other_kind"}
    assert all(p.message("sv") and p.message("en") for p in rejected.value.problems)

    only_broken = [row(deltagare="ANNA-1", **{**EXIT, "datum": "2025-01-20"}, rättar="2025-06-02")]
    with pytest.raises(ImportRejected) as rejected:
        importer.import_file(imported, write(tmp_path, "broken.csv", only_broken))
    assert [p.violation.key for p in rejected.value.problems] == ["domain.exit_before_start"]
    assert cases.get_case(imported, "ANNA-1").events[-1].date.isoformat() == "2025-06-02"


def test_not_made_follow_ups_and_a_returning_participant_by_import(
    imported: Session, tmp_path: Path
) -> None:
    rows = [
        row(
            deltagare="ANNA-1",
            händelse="uppföljning",
            datum="2025-12-10",
            orsak="avböjde",
            månader="6",
        ),
        row(deltagare="ANNA-1", händelse="ansökan", datum="2026-02-01", part="egen"),
        row(deltagare="ANNA-1", händelse="start", datum="2026-02-10", nivå="3"),
        # The 18-month follow-up of the first episode, dated after the second one opened.
        row(deltagare="ANNA-1", händelse="uppföljning", datum="2026-11-05", nivå="6", månader="18"),
    ]
    summary = importer.import_file(imported, write(tmp_path, "more.csv", rows))
    assert summary.events_written == 4
    view = cases.get_case(imported, "ANNA-1")
    assert [(e.kind, e.episode) for e in view.events] == [
        ("application", 1),
        ("start", 1),
        ("exit", 1),
        ("follow_up", 1),
        ("application", 2),
        ("start", 2),
        ("follow_up", 1),
    ]
    assert view.events[3].reason == "avbojde" and view.events[3].level is None
    # Importing the same rows again adds nothing.
    again = importer.import_file(imported, write(tmp_path, "more.csv", rows))
    assert again.events_written == 0 and again.already_present == 4
    # Exported and imported into the same register: the same events, nothing new.
    exported = importer.export_rows(imported)
    assert [r["orsak"] for r in exported if r["händelse"] == "uppföljning"] == ["avbojde", ""]


def test_warnings_are_listed_but_the_rows_imported(imported: Session, tmp_path: Path) -> None:
    rows = [
        row(
            deltagare="BERT-2",
            kön="man",
            insats=SALA,
            händelse="start",
            datum="2025-03-01",
            nivå="2",
        ),
        row(deltagare="BERT-2", händelse="steg", datum="2025-04-01", nivå="3"),
        row(deltagare="BERT-2", händelse="steg", datum="2025-04-01", nivå="4"),
        row(deltagare="BERT-2", **{**EXIT, "orsak": "forvarvsarbete", "nivå": "4"}),
    ]
    summary = importer.import_file(imported, write(tmp_path, "warn.csv", rows))
    assert summary.events_written == 4
    assert [(number, w.key) for number, w in summary.warnings] == [
        (4, "domain.warn_step_same_day"),
        (5, "domain.warn_destination_level"),
    ]
