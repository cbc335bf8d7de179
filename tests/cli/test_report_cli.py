"""``tracker report``, ``tracker verify`` and ``tracker suppression`` through the real command
line, in subprocesses, on a small demo register (production key-derivation cost)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from bundle_support import build_cli_demo, cli_env
from cli_support import run_cli, run_side_by_side

from tracker.services import registers

pytestmark = pytest.mark.cli

RITA = "rita granskar allt noga"
SAM = "sam skriver in händelser"


DEMO = cli_env("demo", registers.DEMO_PASSPHRASE)
REVIEWER = cli_env("rita", RITA)
STAFF = cli_env("sam", SAM)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report-cli")
    colleagues = [("rita", "reviewer", RITA), ("sam", "staff", SAM)]
    build_cli_demo(folder, colleagues, participants=80, seed=3)
    return folder


@pytest.fixture(scope="module")
def bundle(folder: Path) -> Path:
    run = run_cli(
        "report", "--period", "2026H1", "--format", "csv,json", "--out", "ut", cwd=folder, env=DEMO
    )
    assert run.code == 0, run.err
    path = folder / run.out.strip().splitlines()[-1]
    assert path.parent == folder / "ut" and path.suffix == ".zip"
    return path


def _public_key(folder: Path) -> tuple[str, str]:
    run = run_cli("key", "public", cwd=folder, env=DEMO)
    assert run.code == 0, run.err
    lines = run.out.strip().splitlines()
    return lines[0].rsplit(" ", 1)[-1], lines[1].rsplit(" ", 1)[-1]


def test_report_writes_a_bundle_that_verify_accepts(folder: Path, bundle: Path) -> None:
    key, fingerprint = _public_key(folder)
    with zipfile.ZipFile(bundle) as archive:
        names = set(archive.namelist())
    assert {"report.json", "manifest.json", "manifest.sig"} <= names
    assert any(name.startswith("csv/") for name in names)
    assert not {"report.pdf", "report.xlsx"} & names
    # No passphrase, no user, no database: a reviewer's machine.
    bare = {"TRACKER_DB": "nowhere.db"}
    plain, pinned_key, pinned_print, english = run_side_by_side(
        folder,
        (["verify", str(bundle)], bare),
        (["verify", str(bundle), "--key", key], bare),
        (["verify", str(bundle), "--key", fingerprint], bare),
        (["--lang", "en", "verify", str(bundle)], bare),
    )
    for run in (plain, pinned_key, pinned_print, english):
        assert run.code == 0, run.err
        assert fingerprint in run.out
        assert "2026H1" in run.out
    assert "Signerad av nyckel" in plain.out and "tröskel 5" in plain.out
    assert "Granskningspunkt: händelse nr" in plain.out
    assert "Filer:" in plain.out
    assert "den angivna nyckeln" in pinned_key.out
    assert "Audit head: event no." in english.out


def test_verify_fails_with_4_naming_the_changed_member(folder: Path, bundle: Path) -> None:
    data = bundle.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo("report.json")
    start = info.header_offset + 30 + len(info.filename) + info.compress_size // 2
    changed = bytearray(data)
    changed[start] ^= 0x01
    tampered = folder / "andrad.zip"
    tampered.write_bytes(bytes(changed))
    truncated = folder / "avkortad.zip"
    truncated.write_bytes(data[:-10])
    text = folder / "anteckning.txt"
    text.write_text("inget paket", encoding="utf-8")
    other_key = "A" * 43 + "="
    bare = {"TRACKER_DB": "nowhere.db"}
    runs = run_side_by_side(
        folder,
        (["verify", str(tampered)], bare),
        (["verify", str(truncated)], bare),
        (["verify", str(bundle), "--key", other_key], bare),
        (["verify", "saknas.zip"], bare),
        (["verify", str(text)], bare),
        (["verify", str(bundle), "--key", "inte-en-nyckel"], bare),
    )
    tampered_run, truncated_run, wrong_key, missing, not_zip, bad_key = runs
    assert tampered_run.code == 4 and "report.json" in tampered_run.err
    assert truncated_run.code == 4 and "zip" in truncated_run.err.lower()
    assert wrong_key.code == 4 and "annan nyckel" in wrong_key.err
    assert missing.code == 1 and "saknas.zip" in missing.err
    assert not_zip.code == 1 and "ingen zip-fil" in not_zip.err
    assert bad_key.code == 2 and "--key" in bad_key.err
    for run in runs:
        assert "Traceback" not in run.err
        assert run.out == ""


def test_no_suppression_is_for_reviewers_and_coordinators(folder: Path) -> None:
    args = ["report", "--period", "2026H1", "--format", "json", "--no-suppression", "--out", "i"]
    staff, reviewer = run_side_by_side(folder, (args, STAFF), (args, REVIEWER))
    assert staff.code == 1 and "samordnare och granskare" in staff.err
    assert staff.out == ""
    assert reviewer.code == 0, reviewer.err
    assert "INTERNT" in reviewer.err
    path = folder / reviewer.out.strip()
    verified = run_cli("verify", str(path), cwd=folder, env={})
    assert verified.code == 0 and "INTERNT" in verified.out


def test_usage_and_login_errors(folder: Path) -> None:
    wrong = cli_env("demo", "fel lösenfras helt")
    runs = run_side_by_side(
        folder,
        (["report", "--period", "2026H1"], wrong),
        (["report", "--period", "2026H1", "--format", "docx"], DEMO),
        (["report"], DEMO),
        (["report", "--period", "2026H7"], DEMO),
        (["report", "--period", "2026H1", "--insats", "Finns inte"], DEMO),
    )
    wrong_login, bad_format, no_period, bad_period, unknown_insats = runs
    assert wrong_login.code == 3
    assert bad_format.code == 2 and "docx" in bad_format.err
    assert no_period.code == 2
    assert bad_period.code == 1
    assert unknown_insats.code == 1 and "Finns inte" in unknown_insats.err
    for run in runs:
        assert "Traceback" not in run.err
    assert not (folder / "exports").exists()


def test_the_suppression_threshold_command(folder: Path) -> None:
    shown, too_low, by_staff = run_side_by_side(
        folder,
        (["suppression"], STAFF),
        (["suppression", "set", "2"], DEMO),
        (["suppression", "set", "4"], STAFF),
    )
    assert shown.code == 0 and "5" in shown.out
    assert too_low.code == 1 and "lägre än 3" in too_low.err
    assert by_staff.code == 1
    changed = run_cli("suppression", "set", "4", cwd=folder, env=DEMO)
    assert changed.code == 0 and "4" in changed.out
    try:
        report = run_cli(
            "report", "--period", "2026H1", "--format", "json", "--out", "t4", cwd=folder, env=DEMO
        )
        assert report.code == 0, report.err
        verified = run_cli("verify", report.out.strip(), cwd=folder, env={})
        assert verified.code == 0 and "tröskel 4" in verified.out
    finally:
        assert run_cli("suppression", "set", "5", cwd=folder, env=DEMO).code == 0
