"""tracker backup / backup list / backup settings / restore, run as the real command line.

The register is made by ``tracker init`` with the production key-derivation cost, and written
to from this process (as the TUI would) while ``tracker backup`` runs in a subprocess.
"""

from __future__ import annotations

import shutil
import threading
import zipfile
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from cli_support import Run, run_cli

from tracker.i18n import t
from tracker.services import cases, registers
from tracker.store.backup import DATABASE_MEMBER, read_backup

pytestmark = pytest.mark.cli

INSATS = "Samordningsteam Sala"
ANNA = {"TRACKER_USER": "anna", "TRACKER_PASSPHRASE": "korrekt häst batteri zebra"}
BO = {"TRACKER_USER": "bo", "TRACKER_PASSPHRASE": "bo cyklar till jobbet"}


def _ok(run: Run) -> Run:
    assert run.code == 0, run
    return run


@pytest.fixture(scope="module")
def register(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A register with two users and a few cases; tests work on copies of its folder."""
    work = tmp_path_factory.mktemp("register")
    _ok(
        run_cli(
            "init",
            "--user",
            "anna",
            "--insats",
            INSATS,
            cwd=work,
            env={"TRACKER_NEW_PASSPHRASE": ANNA["TRACKER_PASSPHRASE"]},
        )
    )
    _ok(
        run_cli(
            "key",
            "add",
            "--user",
            "bo",
            "--role",
            "staff",
            cwd=work,
            env={**ANNA, "TRACKER_NEW_PASSPHRASE": BO["TRACKER_PASSPHRASE"]},
        )
    )
    return work


@pytest.fixture
def work(register: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "work"
    shutil.copytree(register, copy)
    return copy


@pytest.fixture
def writer(work: Path) -> Iterator[tuple[Callable[[], None], list[int]]]:
    """Another user writing to the register all the time, as the TUI does; and the way to
    stop it (close the app)."""
    session = registers.open_session(work / "db" / "tracker.db", **_login(BO))
    stop = threading.Event()
    written: list[int] = []

    def keep_writing() -> None:
        while not stop.is_set():
            view = cases.register_application(
                session, insats=INSATS, gender="kvinna", on=date(2026, 3, 2), referrer="af"
            )
            written.append(view.last_seq)
            stop.wait(0.005)

    def close() -> None:
        stop.set()
        thread.join()
        session.close()

    thread = threading.Thread(target=keep_writing)
    thread.start()
    try:
        yield close, written
    finally:
        close()


def _login(env: dict[str, str]) -> dict[str, str]:
    return {"user": env["TRACKER_USER"], "passphrase": env["TRACKER_PASSPHRASE"]}


def _head(run: Run) -> str:
    """The audit head ``#seq hash`` from ``audit verify``'s last line."""
    line = run.out.strip().splitlines()[-1]
    return line[line.index("#") :].rstrip(".")


def _backup_path(run: Run) -> Path:
    prefix = t("backup.done", "sv", path="")
    (line,) = [line for line in run.out.splitlines() if line.startswith(prefix)]
    return Path(line.removeprefix(prefix))


def test_backup_while_writing_then_restore_after_the_register_is_lost(
    work: Path, writer: tuple[Callable[[], None], list[int]]
) -> None:
    close_app, written = writer
    while len(written) < 3:
        threading.Event().wait(0.01)
    made = _ok(run_cli("backup", cwd=work, env=ANNA))
    backup = work / _backup_path(made)
    assert backup.parent == work / "db" / "backups"
    header = read_backup(backup).header
    assert f"seq{header.head_seq}" in backup.name
    assert f"#{header.head_seq} {header.head_hash}" in made.out
    # The writer went on during the backup; the backup holds one consistent moment of it
    # (init and the second user make 13 events, then one per application).
    assert 13 + 3 <= header.head_seq <= 13 + len(written)
    listed = _ok(run_cli("backup", "list", cwd=work, env=BO))
    assert backup.name in listed.out and f"#{header.head_seq}" in listed.out

    # The computer is lost: the register and its key file are gone.
    close_app()
    for path in (work / "db").glob("tracker.db*"):
        path.unlink()
    restored = _ok(run_cli("restore", str(backup), cwd=work, env=ANNA))
    assert t("restore.done", "sv", path="db/tracker.db") in restored.out
    verified = _ok(run_cli("audit", "verify", cwd=work, env=ANNA))
    assert _head(verified) == f"#{header.head_seq} {header.head_hash}"
    # Every user whose slot the backup holds can open it.
    second = _ok(run_cli("audit", "verify", cwd=work, env=BO))
    assert _head(second) == _head(verified)


def test_a_flipped_byte_is_refused_with_exit_4(work: Path) -> None:
    backup = work / _backup_path(_ok(run_cli("backup", cwd=work, env=ANNA)))
    with zipfile.ZipFile(backup) as bundle:
        offset = bundle.getinfo(DATABASE_MEMBER).header_offset + 30 + len(DATABASE_MEMBER)
    content = bytearray(backup.read_bytes())
    content[offset + 5000] ^= 0x01
    damaged = work / "damaged.trbackup"
    damaged.write_bytes(bytes(content))
    before = sorted(p.name for p in (work / "db").iterdir())
    refused = run_cli("restore", str(damaged), "--db", "db/new.db", cwd=work, env=ANNA)
    assert refused.code == 4, refused
    assert refused.err.strip() == t("backup.content_differs", "sv", path=str(damaged))
    assert "Traceback" not in refused.err
    assert sorted(p.name for p in (work / "db").iterdir()) == before


def test_a_backup_older_than_the_register_needs_force(work: Path) -> None:
    backup = work / _backup_path(_ok(run_cli("backup", cwd=work, env=ANNA)))
    _ok(run_cli("backup", "settings", "--remind-days", "3", cwd=work, env=ANNA))  # one event more
    before = _head(_ok(run_cli("audit", "verify", cwd=work, env=ANNA)))

    refused = run_cli("restore", str(backup), "--db", "db/tracker.db", cwd=work, env=ANNA)
    assert refused.code == 1, refused
    assert "--force" in refused.err and "Inget har ändrats" in refused.err
    assert _head(_ok(run_cli("audit", "verify", cwd=work, env=ANNA))) == before

    # Without --db the register stays untouched and the backup lands beside it.
    beside = _ok(run_cli("restore", str(backup), cwd=work, env=ANNA))
    assert "--db db/tracker-restored-" in beside.out
    assert _head(_ok(run_cli("audit", "verify", cwd=work, env=ANNA))) == before

    forced = _ok(
        run_cli("restore", str(backup), "--db", "db/tracker.db", "--force", cwd=work, env=ANNA)
    )
    kept = sorted(p.name for p in (work / "db").glob("tracker.db*.replaced-*"))
    assert len(kept) == 2 and all(name in forced.out for name in kept)
    after = _head(_ok(run_cli("audit", "verify", cwd=work, env=ANNA)))
    assert after != before and after.startswith(f"#{read_backup(backup).header.head_seq} ")


def test_backup_settings_are_for_coordinators_and_rotation_keeps_the_newest(
    work: Path, tmp_path: Path
) -> None:
    refused = run_cli("backup", "settings", "--keep-last", "2", cwd=work, env=BO)
    assert refused.code == 1
    assert refused.err.strip() == t(
        "service.role_refused", "sv", user="bo", role=t("role.staff", "sv")
    )
    shown = run_cli("backup", "settings", cwd=work, env=BO)  # reading them is for everyone
    assert shown.code == 0 and "7" in shown.out
    folder = tmp_path / "elsewhere"
    bad = run_cli("backup", "settings", "--keep-last", "0", cwd=work, env=ANNA)
    assert bad.code == 1 and "1 till 1000" in bad.err
    _ok(
        run_cli(
            "backup",
            "settings",
            "--folder",
            str(folder),
            "--keep-last",
            "2",
            "--keep-monthly",
            "0",
            cwd=work,
            env=ANNA,
        )
    )
    names = []
    for _ in range(3):
        names.append(_backup_path(_ok(run_cli("backup", cwd=work, env=ANNA))).name)
    assert sorted(p.name for p in folder.iterdir()) == sorted(names[-2:])
