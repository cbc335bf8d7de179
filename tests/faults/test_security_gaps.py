"""Small security gaps (issue 13, finding 7): formula names in the board's XLSX, folder and
settings-file modes, settings bounds, weak passphrases, terminal escapes from a bundle, and
crash output without local variables."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from bundle_support import PERIOD, DemoRegister, demo_register
from support import INSATSER, PASSPHRASE

from tracker.domain.errors import RuleError
from tracker.domain.periods import Period
from tracker.reports.bundle import export_bundle
from tracker.services import registers
from tracker.services.session import ServiceError, Session
from tracker.store.projections import INSATS_ADDED
from tracker.tui.settings import (
    DEFAULT_IDLE_MINUTES,
    Settings,
    load_settings,
    save_settings,
)

FORMULA = '=HYPERLINK("http://example.invalid/x","klicka")'


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoRegister]:
    with demo_register(tmp_path_factory.mktemp("demo"), participants=30) as built:
        yield built


def _insats_from_an_older_release(session: Session, name: str) -> None:
    """An insats name as a register from before names were checked may hold it: its event is
    written the way that release wrote it (the names checks of today refuse it)."""
    with session.transaction() as tx:
        next_id = max(tx.insats_names, default=0) + 1
        tx.append(INSATS_ADDED, {"id": next_id, "name": name})


def test_formula_names_stay_text_in_the_board_xlsx(demo: DemoRegister, tmp_path: Path) -> None:
    """Names starting like a formula are refused; one already in an older register is written
    as text."""
    with demo.login() as session:
        with pytest.raises(ServiceError) as refused:
            export_bundle(
                session, Period.parse(PERIOD), formats=["json"], out_dir=tmp_path, forbund=FORMULA
            )
        assert refused.value.key == "report.forbund_formula"
        with pytest.raises(RuleError):
            registers.add_insatser(session, [FORMULA])
        _insats_from_an_older_release(session, FORMULA)
        path = export_bundle(
            session, Period.parse(PERIOD), [FORMULA], formats=["xlsx"], out_dir=tmp_path
        )
    data = zipfile.ZipFile(path).read("report.xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    texts = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                texts.append(str(cell.value))
    assert any(FORMULA in text for text in texts)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")
def test_new_folders_are_private_whatever_the_umask(
    cheap_kdf: object, demo: DemoRegister, tmp_path: Path
) -> None:
    old = os.umask(0)
    try:
        db = tmp_path / "db" / "tracker.db"
        registers.create_register(db, user="anna", passphrase=PASSPHRASE, insatser=INSATSER)
        with demo.login() as session:
            out = tmp_path / "exports" / "board"
            export_bundle(session, Period.parse(PERIOD), formats=["json"], out_dir=out)
    finally:
        os.umask(old)
    for folder in (db.parent, out, out.parent):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks and modes")
def test_settings_are_written_atomically_privately_and_never_through_a_symlink(
    tmp_path: Path,
) -> None:
    path = tmp_path / "tracker.db.settings.json"
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (tmp_path / "tracker.db.settings.json.tmp").symlink_to(victim)  # the old fixed temp name
    old = os.umask(0)
    try:
        save_settings(path, Settings(last_user="anna"))
    finally:
        os.umask(old)
    assert victim.read_text() == "keep me"
    assert not path.is_symlink()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_settings(path).last_user == "anna"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")) == [
        "tracker.db.settings.json.tmp"
    ]


@pytest.mark.parametrize(
    "minutes", ["Infinity", "-Infinity", "NaN", "1e308", "0.01", "-5", "true", '"10"']
)
def test_settings_values_out_of_bounds_mean_the_default(tmp_path: Path, minutes: str) -> None:
    path = tmp_path / "s.json"
    path.write_text('{"idle_minutes": ' + minutes + ', "last_user": "' + "x" * 500 + '"}')
    settings = load_settings(path)
    assert settings.idle_minutes == DEFAULT_IDLE_MINUTES
    assert settings.last_user == ""
    path.write_text(json.dumps({"idle_minutes": 30}))
    assert load_settings(path).idle_minutes == 30


@pytest.mark.parametrize(
    "weak",
    # Digits only, in runs too short for the shape of a personnummer.
    ["aaaaaaaaaa", "1 2 3 4 5 6 7 8", "123 456 789", "ababababab", "Password123", "lösenord2026"],
)
def test_weak_passphrases_are_refused_in_words(weak: str) -> None:
    with pytest.raises(ServiceError) as refused:
        registers.check_new_passphrase(weak)
    assert refused.value.key == "service.passphrase_too_simple"
    assert "gissa" in refused.value.message("sv")


def test_good_passphrases_and_the_demo_register_still_work(demo: DemoRegister) -> None:
    registers.check_new_passphrase(PASSPHRASE)
    registers.check_new_passphrase("granskare rita 1")
    with demo.login() as session:  # created by code with the passphrase "demo"
        assert registers.is_demo(session)


def test_verify_prints_no_terminal_escapes_from_a_bundle(demo: DemoRegister, tmp_path: Path):
    hostile = "Team \x1b]0;pwned\x07\x1b[2J"
    with demo.login() as session:
        with pytest.raises(RuleError):
            registers.add_insatser(session, [hostile])
        _insats_from_an_older_release(session, hostile)
        path = export_bundle(
            session, Period.parse(PERIOD), [hostile], formats=["json"], out_dir=tmp_path
        )
    done = subprocess.run(
        [sys.executable, "-m", "tracker", "verify", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")},
    )
    assert done.returncode == 0, done.stderr
    assert "Team ?]0;pwned??[2J" in done.stdout
    assert "\x1b" not in done.stdout + done.stderr and "\x07" not in done.stdout


async def _crash(tmp_path: Path, debug: bool, capsys: pytest.CaptureFixture[str]) -> str:
    from tracker.tui.app import TrackerApp

    app = TrackerApp(tmp_path / "none.db", debug=debug)

    def boom() -> None:
        participant = "AB-SECRET-CODE"  # a local variable a traceback with locals would show
        raise RuntimeError(participant[:2])

    with pytest.raises(RuntimeError):
        async with app.run_test() as pilot:
            app.call_later(boom)
            await pilot.pause()
    captured = capsys.readouterr()
    return captured.err + captured.out


async def test_tui_crash_output_has_no_locals_unless_debug(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shown = await _crash(tmp_path, False, capsys)
    assert "RuntimeError" in shown and "AB-SECRET-CODE" not in shown
    assert "--debug" in shown and "Traceback" not in shown
    shown = await _crash(tmp_path, True, capsys)  # --debug: Textual's own traceback
    assert "Traceback" in shown and "AB-SECRET-CODE" in shown
