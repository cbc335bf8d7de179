"""``tracker import FILE [--dry-run]`` end to end: the real command in a subprocess.

One register (the tests' cheap key derivation: tests/cli_support.py); the read-only runs side by
side, then the writing ones in order.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

import pytest
from cli_support import finish_cli, start_cli
from support import synthetic_personnummer

from tracker.services import cases, registers
from tracker.store.eventlog import head

# The cheap key derivation here and in the CLI children (tests/cli_support.py).
pytestmark = [pytest.mark.cli, pytest.mark.usefixtures("cheap_kdf_module")]

SALA, HEBY = "Samordningsteam Sala", "Samordningsteam Heby"
ANNA = ("anna", "korrekt häst batteri zebra")
RITA = ("rita", "granskare rita cyklar")
DAY = date.today() - timedelta(days=200)


def day(offset: int) -> str:
    return (DAY + timedelta(days=offset)).isoformat()


HEADER = ["deltagare", "kön", "insats", "händelse", "datum", "nivå", "orsak", "part", "mötestyp"]
ROWS = [
    ["ANNA-1", "kvinna", SALA, "ansökan", day(0), "", "", "af", ""],
    ["ANNA-1", "", "", "start", day(10), "2", "", "", ""],
    ["ANNA-1", "", "", "steg", day(40), "4", "", "", "enskilt"],
    ["BERT-2", "man", HEBY, "start", day(5), "3", "", "", ""],
    ["CARL-3", "man", SALA, "ansökan", day(7), "", "", "fk", ""],
]


def login(user: tuple[str, str]) -> dict[str, str]:
    return {"TRACKER_USER": user[0], "TRACKER_PASSPHRASE": user[1]}


def write_csv(path: Path, rows: Sequence[Sequence[str]], sep: str = ";") -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream, delimiter=sep)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def audit_head(db: Path) -> tuple[int, str]:
    with (
        registers.open_session(db, user=ANNA[0], passphrase=ANNA[1]) as session,
        session.read() as connection,
    ):
        current = head(connection)
    return current.seq, current.hash


def test_import_dry_run_errors_roles_then_import_and_reimport(tmp_path: Path) -> None:
    db = tmp_path / "db" / "tracker.db"
    registers.create_register(db, user=ANNA[0], passphrase=ANNA[1], insatser=[SALA, HEBY])
    with registers.open_session(db, user=ANNA[0], passphrase=ANNA[1]) as session:
        registers.add_user(
            session, passphrase=ANNA[1], user=RITA[0], role="reviewer", new_passphrase=RITA[1]
        )
    good = write_csv(tmp_path / "uppföljning.csv", ROWS)
    number = synthetic_personnummer()
    bad = write_csv(
        tmp_path / "fel.csv",
        [
            ROWS[0],
            ["ANNA-1", "", "", "steg", day(5), "4", "", "", ""],  # before the start below
            ["ANNA-1", "", "", "start", day(10), "9", "", "", ""],  # off the ladder
            [number, "kvinna", SALA, "ansökan", day(1), "", "", "af", ""],
            ["DORA-4", "kvinna", SALA, "ansökan", "1/3/2025", "", "", "af", ""],
        ],
    )
    many = write_csv(
        tmp_path / "många.csv",
        [[f"P{i:04d}", "man", SALA, "ansökan", "igår", "", "", "af", ""] for i in range(250)],
    )
    before = audit_head(db)

    dry, errors, capped, reviewer, missing = (
        finish_cli(process)
        for process in [
            start_cli(["import", str(good), "--dry-run"], tmp_path, login(ANNA)),
            start_cli(["import", str(bad)], tmp_path, login(ANNA)),
            start_cli(["import", str(many)], tmp_path, login(ANNA)),
            start_cli(["import", str(good)], tmp_path, login(RITA)),
            start_cli(["import", str(tmp_path / "saknas.csv")], tmp_path, login(ANNA)),
        ]
    )
    assert dry.code == 0, dry
    assert "Provkörning" in dry.out and "ingenting har skrivits" in dry.out
    assert "Nya deltagare: 3" in dry.out and "Stegförflyttning: 1" in dry.out

    assert errors.code == 1 and errors.out == "", errors
    lines = errors.err.splitlines()
    assert lines[0].startswith("Importen avbröts: 4 fel") and "Ingenting har skrivits" in lines[0]
    assert lines[1].startswith('Rad 3, kolumn datum, värde "') and "före start" in lines[1]
    assert lines[2].startswith('Rad 4, kolumn nivå, värde "9": Nivå 9')
    assert lines[3].startswith("Rad 5, kolumn deltagare: cellen avvisas")
    assert lines[4].startswith('Rad 6, kolumn datum, värde "1/3/2025"')
    assert number not in errors.err and number[2:] not in errors.err
    assert "Traceback" not in errors.err

    assert capped.code == 1, capped
    capped_lines = capped.err.splitlines()  # heading, the first 200, and how many more
    assert len(capped_lines) == 202 and "250 fel" in capped_lines[0]
    assert capped_lines[200].startswith("Rad 201,") and "50 fel till" in capped_lines[201]

    assert reviewer.code == 1 and "kan inte importera" in reviewer.err, reviewer
    assert missing.code == 1 and missing.err.count("\n") == 1 and "saknas.csv" in missing.err
    assert audit_head(db) == before  # nothing above wrote anything

    first = finish_cli(start_cli(["--lang", "en", "import", str(good)], tmp_path, login(ANNA)))
    assert first.code == 0, first
    assert "Imported from" in first.out and "5 events from 5 rows" in first.out
    assert f"{SALA}: 4" in first.out and f"{HEBY}: 1" in first.out
    again = finish_cli(start_cli(["import", str(good)], tmp_path, login(ANNA)))
    assert again.code == 0, again
    assert "5 rader fanns redan (hoppades över)" in again.out
    assert "0 händelser" in again.out

    with registers.open_session(db, user=ANNA[0], passphrase=ANNA[1]) as session:
        listed = {row.code: row.status for row in cases.list_cases(session)}
    assert listed == {"ANNA-1": "active", "BERT-2": "active", "CARL-3": "application"}


def test_a_missing_file_and_a_folder_are_told_apart(tmp_path: Path) -> None:
    """Checked before the login: no register is needed to be told what is wrong with the path."""
    missing = finish_cli(start_cli(["import", "saknas.csv"], tmp_path, login(ANNA)))
    folder = finish_cli(start_cli(["import", str(tmp_path)], tmp_path, login(ANNA)))
    assert missing.code == folder.code == 1, (missing, folder)
    assert "saknas.csv finns inte" in missing.err
    assert "är ingen vanlig fil" in folder.err and "finns inte" not in folder.err
    assert "Traceback" not in missing.err + folder.err
