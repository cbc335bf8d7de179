"""Hostile or odd files: damaged and entity-laden XLSX, size claims, huge cells, deep JSON,
overlapping zip members, edited KDF costs, non-UTF-8 passphrases, and fuzzed imports.

Each must end in a worded refusal, quickly and within memory: never "an unexpected error".
"""

from __future__ import annotations

import io
import json
import random
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from support import PASSPHRASE

from tracker.reports.bundle import verify_bundle
from tracker.services import importer
from tracker.services.importer import ImportRejected, import_file
from tracker.services.session import ServiceError, Session
from tracker.store import keyfile

HEADER = "deltagare,kön,insats,händelse,datum,part,nivå"
GOOD_ROWS = [
    "AB100,kvinna,Samordningsteam Sala,ansökan,2026-01-05,af,",
    "AB100,,,start,2026-02-01,,2",
    "CD200,man,Samordningsteam Heby,ansökan,2026-01-07,fk,",
]


def _xlsx(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _good_xlsx() -> bytes:
    return _xlsx([line.split(",") for line in [HEADER, *GOOD_ROWS]])


def _replace_member(data: bytes, name: str, content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, content if info.filename == name else source.read(info))
    return out.getvalue()


def _refused(session: Session, path: Path) -> str:
    """The worded refusal an import of ``path`` ends in (never another exception)."""
    try:
        import_file(session, path, dry_run=True)
    except ImportRejected as rejected:
        return "\n".join(problem.message() for problem in rejected.problems)
    except ServiceError as error:
        return error.message()
    return ""


def test_openpyxl_parses_with_defusedxml() -> None:
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True


SHEET = "xl/worksheets/sheet1.xml"


@pytest.mark.parametrize(
    "content",
    [
        # XXE: an external entity naming a local file
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&e;</t></is></c></row>'
        b"</sheetData></worksheet>",
        # billion laughs
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&c;</t></is></c></row>'
        b"</sheetData></worksheet>",
        b"<worksheet><sheetData><row",  # cut XML
    ],
    ids=["xxe", "billion-laughs", "cut-xml"],
)
def test_hostile_xml_in_xlsx_is_refused_in_words(
    session: Session, tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "in.xlsx"
    path.write_bytes(_replace_member(_good_xlsx(), SHEET, content))
    message = _refused(session, path)
    assert message.startswith("Filen") and "passwd" not in message and "root:" not in message


def test_damaged_deflate_data_is_refused_in_words(session: Session, tmp_path: Path) -> None:
    data = bytearray(_good_xlsx())
    start = data.find(SHEET.encode()) + len(SHEET) + 10  # inside the sheet's compressed bytes
    for offset in range(start, start + 40):
        data[offset] ^= 0x5A
    path = tmp_path / "in.xlsx"
    path.write_bytes(bytes(data))
    assert _refused(session, path).startswith("Filen")


def test_a_claimed_sheet_size_is_ignored(session: Session, tmp_path: Path) -> None:
    """A small file claiming A1:XFD1048576 reads as the cells it has (no MemoryError)."""
    data = _good_xlsx()
    sheet = zipfile.ZipFile(io.BytesIO(data)).read(SHEET)
    claimed = re.sub(rb'<dimension ref="[^"]*" */>', b'<dimension ref="A1:XFD1048576"/>', sheet)
    assert claimed != sheet
    path = tmp_path / "in.xlsx"
    path.write_bytes(_replace_member(data, SHEET, claimed))
    summary = import_file(session, path, dry_run=True)
    assert summary.rows == len(GOOD_ROWS)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_row_and_column_limits_are_worded(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    monkeypatch.setattr(importer, "MAX_IMPORT_ROWS", 5)
    monkeypatch.setattr(importer, "MAX_IMPORT_COLUMNS", 10)
    many_rows = [HEADER, *(GOOD_ROWS * 4)]
    wide = [HEADER + ",x" * 12, *GOOD_ROWS]
    for lines, key in ((many_rows, "import.too_many_rows"), (wide, "import.too_many_columns")):
        path = tmp_path / f"in.{kind}"
        if kind == "csv":
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        else:
            path.write_bytes(_xlsx([line.split(",") for line in lines]))
        with pytest.raises(ServiceError) as refused:
            import_file(session, path, dry_run=True)
        assert refused.value.key == key


def test_file_size_limit(session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(importer, "MAX_IMPORT_BYTES", 100)
    path = tmp_path / "in.csv"
    path.write_text("\n".join([HEADER, *GOOD_ROWS]) + "\n", encoding="utf-8")
    with pytest.raises(ServiceError) as refused:
        import_file(session, path, dry_run=True)
    assert refused.value.key == "import.too_large"


def test_echoed_cell_values_are_cut_and_cleaned(session: Session, tmp_path: Path) -> None:
    huge = "x" * 2_000_000
    path = tmp_path / "in.csv"
    rows = [
        HEADER,
        f"AB100,kvinna,Samordningsteam Sala,{huge},2026-01-05,af,",
        "AB101,kvinna,Samordningsteam Sala,\x1b[31mröd\x07,2026-01-05,af,",
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    message = _refused(session, path)
    assert message and len(message) < 2000
    assert "\x1b" not in message and "\x07" not in message


# --- key files and bundles ----------------------------------------------------------------------


def test_deeply_nested_key_file_is_corrupt_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "tracker.db.keys"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(keyfile.KeyFileCorrupt):
        keyfile.load_keyfile(path)


def test_kdf_cost_edited_far_above_the_defaults_is_refused(db_path: Path) -> None:
    keys = keyfile.keyfile_path(db_path)
    document = json.loads(keys.read_text())
    document["slots"][0]["kdf"]["memory_cost"] = 4 * 1024 * 1024
    keys.write_text(json.dumps(document))
    with pytest.raises(keyfile.KeyFileCorrupt):
        keyfile.unlock(keys, "anna", PASSPHRASE)


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, content in members:
            archive.writestr(name, content)
    return buffer.getvalue()


def test_bundle_with_a_deeply_nested_manifest_fails_verification(tmp_path: Path) -> None:
    path = tmp_path / "deep.zip"
    deep = b"[" * 200_000 + b"]" * 200_000
    path.write_bytes(_zip([("manifest.json", deep), ("manifest.sig", b"x" * 64)]))
    result = verify_bundle(path)
    assert not result.ok and result.problems


def test_bundle_with_overlapping_members_is_refused_unread(tmp_path: Path) -> None:
    """400 central-directory entries all pointing at one 1 MB member: refused before reading."""
    single = _zip([("report.json", b"0" * 1_000_000)])
    archive = zipfile.ZipFile(io.BytesIO(single))
    info = archive.infolist()[0]
    central = single[archive.start_dir : archive.start_dir + 46 + len(info.filename)]
    entries = b"".join(
        central[:28]
        + len(f"m{n:03d}").to_bytes(2, "little")
        + central[30:46]
        + f"m{n:03d}".encode()
        for n in range(400)
    )
    end = (
        b"PK\x05\x06"
        + b"\0" * 4
        + (400).to_bytes(2, "little") * 2
        + len(entries).to_bytes(4, "little")
        + archive.start_dir.to_bytes(4, "little")
        + b"\0\0"
    )
    path = tmp_path / "overlap.zip"
    path.write_bytes(single[: archive.start_dir] + entries + end)
    result = verify_bundle(path)
    assert not result.ok
    assert any("överlappar" in problem or "overlap" in problem for problem in result.problems)


# --- passphrases that are not UTF-8 ------------------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="bytes in the environment")
def test_non_utf8_passphrases_get_a_clear_message(tmp_path: Path) -> None:
    (tmp_path / "db").mkdir()
    (tmp_path / "db" / "tracker.db").write_bytes(b"")
    latin1 = tmp_path / "pass.txt"
    latin1.write_bytes("lösenfras".encode("latin-1"))
    base = {
        k.encode(): v.encode()
        for k, v in __import__("os").environ.items()
        if not k.startswith("TRACKER_")
    }
    for extra in (
        {b"TRACKER_PASSPHRASE": b"l\xf6senfras"},
        {b"TRACKER_PASSPHRASE_FILE": str(latin1).encode()},
    ):
        done = subprocess.run(
            [sys.executable, "-m", "tracker", "audit", "verify"],
            cwd=tmp_path,
            env={**base, b"TRACKER_USER": b"anna", **extra},
            capture_output=True,
            timeout=120,
        )
        err = done.stderr.decode("utf-8")
        assert done.returncode == 1 and "UTF-8" in err and "Traceback" not in err, err


# --- fuzzed imports -----------------------------------------------------------------------------

_JUNK = [
    "",
    " ",
    "=1+1",
    "@SUM(A1)",
    "\x00",
    "\x1b[2J",
    "ä" * 300,
    "🙂",
    "1e309",
    "-0",
    "NaN",
    "2026-02-30",
    "9999-12-31",
    "AB100",
    "ansökan",
    "start",
    "steg",
    "avslut",
    "12",
    "-1",
    "kvinna",
    "Samordningsteam Sala",
    "af",
    "ja",
    '"',
    "a,b",
    "a;b",
    "\r",
    "\ufeff",
]


def _fuzzed_csv(rng: random.Random) -> bytes:
    rows = [line.split(",") for line in [HEADER, *GOOD_ROWS]]
    for _ in range(rng.randrange(1, 6)):
        row = rng.randrange(len(rows))
        column = rng.randrange(len(rows[row]))
        rows[row][column] = rng.choice(_JUNK)
    text = "\n".join(",".join(row) for row in rows).encode("utf-8")
    if rng.random() < 0.3:
        data = bytearray(text)
        for _ in range(rng.randrange(1, 4)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        text = bytes(data)
    return text


def _fuzzed_xlsx(rng: random.Random, good: bytes) -> bytes:
    if rng.random() < 0.5:
        rows = [line.split(",") for line in [HEADER, *GOOD_ROWS]]
        rows[rng.randrange(1, len(rows))][rng.randrange(7)] = rng.choice(
            [*_JUNK[:4], *_JUNK[6:], 12.5, 3, -7, None]
        )
        return _xlsx(rows)
    data = bytearray(good)
    for _ in range(rng.randrange(1, 8)):
        data[rng.randrange(len(data))] = rng.randrange(256)
    return bytes(data)


def _fuzz_imports(session: Session, folder: Path, trials: int, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    good = _good_xlsx()
    outcomes = {"imported": 0, "rejected": 0, "unreadable": 0}
    for trial in range(trials):
        kind = "csv" if trial % 2 else "xlsx"
        path = folder / f"f{trial}.{kind}"
        path.write_bytes(_fuzzed_csv(rng) if kind == "csv" else _fuzzed_xlsx(rng, good))
        try:
            import_file(session, path, dry_run=True)
            outcomes["imported"] += 1
        except ImportRejected as rejected:
            for problem in rejected.problems:
                text = problem.message()
                assert len(text) < 400 and "\x1b" not in text, text
            outcomes["rejected"] += 1
        except ServiceError as error:
            assert error.message()
            outcomes["unreadable"] += 1
        path.unlink()
    return outcomes


def test_fuzzed_imports_end_in_words(session: Session, tmp_path: Path) -> None:
    assert sum(_fuzz_imports(session, tmp_path, 30, seed=7).values()) == 30


@pytest.mark.slow
def test_fuzzed_imports_long(session: Session, tmp_path: Path) -> None:
    outcomes = _fuzz_imports(session, tmp_path, 300, seed=300)
    print(
        f"\nFIGURES fuzzed_imports trials=300 imported={outcomes['imported']} "
        f"rejected={outcomes['rejected']} unreadable={outcomes['unreadable']}"
    )
