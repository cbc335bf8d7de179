"""Busy, full and read-only registers, files that are not registers, and a damaged WAL, through
the real command line: each gets its own true message and exit code, never "restore a backup"
unless the file is damaged, never a traceback, and the register is unchanged and verifies."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cli_support import Run, run_cli
from fault_support import RESTORE_WORDS, Forked, flip_byte, sha256
from support import PASSPHRASE

from tracker.cli import EXIT_BUSY, EXIT_DISK_FULL, EXIT_READ_ONLY, EXIT_VERIFICATION
from tracker.i18n import CATALOG, t
from tracker.store import engine, keyfile

LOGIN = {"TRACKER_USER": "anna", "TRACKER_PASSPHRASE": PASSPHRASE}
ROWS = 300  # an import big enough to need many WAL frames


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One register made by ``tracker init`` (production key derivation), copied per test."""
    folder = tmp_path_factory.mktemp("made")
    run = run_cli(
        "init",
        "--user",
        "anna",
        "--insats",
        "Sala",
        cwd=folder,
        env={"TRACKER_NEW_PASSPHRASE": PASSPHRASE},
    )
    assert run.code == 0, run
    rows = ["deltagare,kön,insats,händelse,datum,part"]
    rows += [f"AB{n:04d},kvinna,Sala,ansökan,2026-01-05,af" for n in range(ROWS)]
    (folder / "big.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


@pytest.fixture
def work(made: Path, tmp_path: Path) -> Path:
    shutil.copytree(made, tmp_path / "w")
    return tmp_path / "w"


def cli(folder: Path, *args: str, **env: str) -> Run:
    return run_cli(*args, cwd=folder, env={**LOGIN, **env})


def assert_true_failure(run: Run, code: int, key: str) -> None:
    """Exit ``code``, the catalog message ``key`` (up to its first placeholder), no traceback,
    and no advice to restore a backup unless the file is damaged."""
    assert run.code == code, run
    assert "Traceback" not in run.err + run.out, run
    assert CATALOG[key]["sv"].split("{")[0][:40] in run.err, run
    if code != EXIT_VERIFICATION:
        assert not any(word in run.err.lower() for word in RESTORE_WORDS), run


def verifies(folder: Path) -> None:
    run = cli(folder, "audit", "verify")
    assert run.code == 0, run


# --- busy ---------------------------------------------------------------------------------------


@contextlib.contextmanager
def write_lock_held(db: Path) -> Iterator[None]:
    """Another process's write transaction: this test process holds BEGIN IMMEDIATE."""
    unlocked = keyfile.unlock(keyfile.keyfile_path(db), "anna", PASSPHRASE)
    connection = engine.connect(db, unlocked.data_key)
    unlocked.wipe()
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        connection.execute("ROLLBACK")
        connection.close()


def test_busy_register_waits_then_says_busy_not_damaged(work: Path) -> None:
    db = work / "db" / "tracker.db"
    before = sha256(db)
    with write_lock_held(db):
        started = time.monotonic()
        run = cli(work, "suppression", "set", "7", TRACKER_BUSY_WAIT="3")
        elapsed = time.monotonic() - started
    assert_true_failure(run, EXIT_BUSY, "store.busy")
    assert t("store.busy_waiting", "sv", waited=0, limit=3)[:30] in run.err  # the progress line
    assert elapsed < 60  # the wait stopped at its limit (3 s) plus the login
    assert sha256(db) == before
    verifies(work)
    assert cli(work, "suppression", "set", "7").code == 0  # free again: it goes through


@pytest.mark.slow
def test_write_waits_for_a_short_lock_and_succeeds(work: Path) -> None:
    db = work / "db" / "tracker.db"
    with write_lock_held(db):
        process = subprocess.Popen(
            [sys.executable, "-m", "tracker", "suppression", "set", "7"],
            cwd=work,
            env={**_clean_env(), **LOGIN, "TRACKER_BUSY_WAIT": "60"},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(4)  # the login takes a second or two; then it waits on the lock
    _out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert "Traceback" not in err


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}


# --- disk full ----------------------------------------------------------------------------------


def _with_file_size_limit(limit: int) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def run_limited(folder: Path, limit: int, *args: str) -> Run:
    process = subprocess.run(
        [sys.executable, "-m", "tracker", *args],
        cwd=folder,
        env={**_clean_env(), **LOGIN},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        preexec_fn=lambda: _with_file_size_limit(limit),
        timeout=300,
    )
    return Run(process.returncode, process.stdout, process.stderr)


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE")
@pytest.mark.parametrize("limit", [pytest.param(12 * 1024, marks=pytest.mark.slow), 64 * 1024])
def test_disk_full_by_file_size_limit_says_disk_full(work: Path, limit: int) -> None:
    db = work / "db" / "tracker.db"
    before = sha256(db)
    run = run_limited(work, limit, "import", "big.csv")
    assert_true_failure(run, EXIT_DISK_FULL, "store.disk_full")
    assert sha256(db) == before
    verifies(work)


@pytest.fixture
def small_tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 2 MiB tmpfs (root only; skipped where mounting is not allowed)."""
    mount = tmp_path / "tmpfs"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip("mounting a tmpfs is not allowed here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


@pytest.mark.slow
@pytest.mark.parametrize("free_kib", [0, 16, 200])
def test_full_file_system_says_disk_full(made: Path, small_tmpfs: Path, free_kib: int) -> None:
    work = small_tmpfs / "w"
    shutil.copytree(made / "db", work / "db")
    shutil.copy(made / "big.csv", small_tmpfs / "big.csv")
    status = os.statvfs(small_tmpfs)
    filler = max(status.f_bavail * status.f_frsize - free_kib * 1024, 0)
    (small_tmpfs / "filler").write_bytes(b"\0" * filler)
    db = work / "db" / "tracker.db"
    before = sha256(db)
    run = cli(work, "import", str(small_tmpfs / "big.csv"))
    if run.code == 0:
        assert free_kib >= 200  # room enough for the import after all
    else:
        assert_true_failure(run, EXIT_DISK_FULL, "store.disk_full")
        assert sha256(db) == before
    (small_tmpfs / "filler").unlink()
    verifies(work)


def _fill(folder: Path) -> Path:
    """Take every free byte of the file system under ``folder``; returns the filler file."""
    status = os.statvfs(folder)
    filler = folder / "filler"
    filler.write_bytes(b"\0" * (status.f_bavail * status.f_frsize))
    return filler


def test_full_disk_with_commits_left_in_the_wal_still_reads_them(
    made: Path, small_tmpfs: Path
) -> None:
    """A writer's commits left in the WAL (a reader killed while it held them there), then a
    full disk: a read command reads the WAL without writing the database; without the WAL
    index (-shm) SQLite must make one first: it reads, or (when not even that fits) says the
    disk is full, never that anything is damaged or read-only."""
    work = small_tmpfs / "w"
    shutil.copytree(made / "db", work / "db")
    db = work / "db" / "tracker.db"
    unlocked = keyfile.unlock(keyfile.keyfile_path(db), "anna", PASSPHRASE)
    key = bytes(unlocked.data_key)
    unlocked.wipe()

    def hold_the_wal(say: Callable[[str], None]) -> None:
        reader = engine.connect(db, key)
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM events").fetchone()
        say("ready")
        time.sleep(600)

    reader = Forked(hold_the_wal)
    assert reader.readline() == "ready"
    assert cli(work, "suppression", "set", "7").code == 0
    reader.kill()
    reader.finish()
    wal = db.with_name(db.name + "-wal")
    assert wal.stat().st_size > 0  # the commit lives only in the WAL
    before = sha256(db), sha256(wal)
    filler = _fill(small_tmpfs)
    read = cli(work, "suppression")
    assert read.code == 0 and "7" in read.out, read
    assert (sha256(db), sha256(wal)) == before
    db.with_name(db.name + "-shm").unlink()
    without_index = cli(work, "audit", "verify")
    if without_index.code != 0:
        assert_true_failure(without_index, EXIT_DISK_FULL, "store.disk_full")
    assert (sha256(db), sha256(wal)) == before
    filler.unlink()
    verifies(work)
    assert "7" in cli(work, "suppression").out


# --- read-only ----------------------------------------------------------------------------------


def _as_nobody() -> list[str]:
    """Run as an unprivileged user: root ignores file modes, so a read-only test needs one."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: file modes would not apply")
    return [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_read_only_register_says_read_only_and_reads_still_work(made: Path) -> None:
    prefix = _as_nobody()
    # pytest's own folders are private to root; the other user must be able to reach this one.
    outer = Path(tempfile.mkdtemp(prefix="tracker-ro-"))
    outer.chmod(0o755)
    work = outer / "w"
    shutil.copytree(made, work)
    try:
        _read_only_checks(work, prefix)
    finally:
        shutil.rmtree(outer, ignore_errors=True)


def _read_only_checks(work: Path, prefix: list[str]) -> None:
    folder = work / "db"
    db = folder / "tracker.db"
    before = sha256(db)
    if prefix:
        for path in (work, folder, *folder.iterdir()):
            os.chown(path, 65534, 65534)
    for path in folder.iterdir():
        path.chmod(0o400)
    folder.chmod(0o500)
    try:

        def run(*args: str) -> Run:
            process = subprocess.run(
                [*prefix, sys.executable, "-m", "tracker", *args],
                cwd=work,
                env={**_clean_env(), **LOGIN, "HOME": str(work)},
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=300,
            )
            return Run(process.returncode, process.stdout, process.stderr)

        written = run("suppression", "set", "7")
        assert_true_failure(written, EXIT_READ_ONLY, "store.read_only")
        read = run("suppression")
        assert read.code == 0, read
    finally:
        folder.chmod(0o700)
        for path in folder.iterdir():
            path.chmod(0o600)
    assert sha256(db) == before
    verifies(work)


# --- not a register, damaged WAL ----------------------------------------------------------------


@pytest.mark.parametrize("size", [0, 1])
def test_empty_or_cut_database_is_not_written_to(work: Path, size: int) -> None:
    db = work / "db" / "tracker.db"
    with db.open("r+b") as handle:
        handle.truncate(size)
    before = sorted(p.name for p in db.parent.iterdir())
    for args in (("audit", "verify"), ("suppression", "set", "7"))[: 1 + size]:
        run = cli(work, *args)
        assert_true_failure(run, EXIT_VERIFICATION, "store.not_a_register")
        assert db.stat().st_size == size
        assert sorted(p.name for p in db.parent.iterdir()) == before


def test_damaged_wal_is_refused_kept_and_not_checkpointed(work: Path) -> None:
    db = work / "db" / "tracker.db"
    unlocked = keyfile.unlock(keyfile.keyfile_path(db), "anna", PASSPHRASE)
    reader = engine.connect(db, unlocked.data_key)
    unlocked.wipe()
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM events").fetchone()  # holds the WAL: no checkpoint
    assert cli(work, "import", "big.csv").code == 0
    copy = work.parent / "copy"
    copy.mkdir()
    for suffix in ("", "-wal", ".keys"):
        shutil.copyfile(db.with_name(db.name + suffix), copy / f"tracker.db{suffix}")
    reader.execute("ROLLBACK")
    reader.close()
    damaged_wal = copy / "tracker.db-wal"
    flip_byte(damaged_wal, damaged_wal.stat().st_size // 2, 3)
    damaged = damaged_wal.read_bytes()
    for args in (("audit", "verify"), ("suppression", "set", "7")):
        run = run_cli("--db", str(copy / "tracker.db"), *args, cwd=work, env=LOGIN)
        assert_true_failure(run, EXIT_VERIFICATION, "store.wal_damaged")
        assert damaged_wal.read_bytes() == damaged  # never checkpointed, never deleted
    kept = list(copy.glob("tracker.db-wal.damaged-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == damaged
