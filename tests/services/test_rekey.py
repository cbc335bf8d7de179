"""``tracker rekey``: a new data key cuts off an old key file for good, and a kill at any moment
leaves the old or the new register, each openable by its users, with every acknowledged event.

A few kill trials run by default; ``-m slow`` runs 60.
"""

from __future__ import annotations

import random
import textwrap
from pathlib import Path

import pytest
from fault_support import killed_after_ready
from support import INSATSER, PASSPHRASE, TODAY

from tracker.services import audit, cases, registers
from tracker.services.rekey import rekey
from tracker.services.session import ServiceError
from tracker.store import engine, keyfile, trust
from tracker.store.database import RegisterInUse
from tracker.store.eventlog import head

BO = ("bo", "bo samordnar också")


def _login(db: Path, user: str = "anna", passphrase: str = PASSPHRASE) -> registers.Session:
    return registers.open_session(db, user=user, passphrase=passphrase, today=lambda: TODAY)


def test_rekey_cuts_off_a_removed_users_old_key_file(db_path: Path) -> None:
    with _login(db_path) as anna:
        registers.add_user(
            anna, passphrase=PASSPHRASE, user=BO[0], role="coordinator", new_passphrase=BO[1]
        )
    keys = keyfile.keyfile_path(db_path)
    bos_copy = keys.read_bytes()  # bo keeps a copy of the key file before he leaves
    bos_key = bytes(keyfile.unlock(keys, *BO).data_key)
    with _login(db_path) as anna:
        registers.remove_user(anna, passphrase=PASSPHRASE, user="bo")
        recovery = rekey(anna, passphrase=PASSPHRASE, reason="user_removed")
        assert audit.verify(anna).ok
        with anna.read() as connection:
            state = trust.membership(connection)
    assert state.keyfile_digest == keyfile.digest(keys.read_bytes())
    assert state.active("bo") is None
    # Neither bo's key through SQLCipher nor his old key file through tracker opens it.
    with pytest.raises(engine.WrongDataKey):
        engine.connect(db_path, bos_key)
    saved = keys.with_name("bo.keys")
    saved.write_bytes(bos_copy)
    unlocked = keyfile.unlock(saved, *BO)
    with pytest.raises(engine.WrongDataKey):
        engine.connect(db_path, unlocked.data_key)
    current = keys.read_bytes()
    keys.write_bytes(bos_copy)  # put back in place
    for user, passphrase in (BO, ("anna", PASSPHRASE)):
        with pytest.raises((engine.WrongDataKey, keyfile.KeyFileError)):
            _login(db_path, user, passphrase)
    keys.write_bytes(current)
    # The new recovery key opens it; anna's passphrase still works.
    assert keyfile.unlock_with_recovery(keys, recovery).data_key != bos_key
    with _login(db_path) as anna:
        assert anna.actor.role == "coordinator"


def test_rekey_is_refused_while_someone_else_has_the_register_open(db_path: Path) -> None:
    keys = keyfile.keyfile_path(db_path)
    before = keys.read_bytes()
    with _login(db_path) as anna, _login(db_path) as other:
        with other.read() as connection:
            head(connection)
        holder = engine.connect(db_path, keyfile.unlock(keys, "anna", PASSPHRASE).data_key)
        try:
            with pytest.raises(RegisterInUse):
                rekey(anna, passphrase=PASSPHRASE)
        finally:
            holder.close()
    assert keys.read_bytes() == before
    assert sorted(p.name for p in db_path.parent.iterdir()) == [db_path.name, keys.name]
    with _login(db_path) as anna:
        assert audit.verify(anna).ok


def test_rekey_is_for_coordinators(db_path: Path) -> None:
    with _login(db_path) as anna:
        registers.add_user(
            anna, passphrase=PASSPHRASE, user="sam", role="staff", new_passphrase="sam lösen 12"
        )
    with _login(db_path, "sam", "sam lösen 12") as sam, pytest.raises(ServiceError):
        rekey(sam, passphrase="sam lösen 12")


# --- kills -------------------------------------------------------------------------------------

DRIVER = textwrap.dedent(
    """
    import sys
    from datetime import date
    from pathlib import Path
    from tracker.store import keyfile
    keyfile.DEFAULT_KDF = keyfile.KDF_FLOOR = keyfile.KdfParams(8, 1, 1)
    from tracker.services import cases, registers
    from tracker.services.rekey import rekey
    db, passphrase, insats = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    session = registers.open_session(db, user="anna", passphrase=passphrase)
    print("ready", flush=True)
    for n in range(1000):
        view = cases.register_application(
            session, insats=insats, gender="kvinna", on=date(2026, 11, 20), referrer="af"
        )
        print(f"event {view.last_seq} {view.code}", flush=True)
        rekey(session, passphrase=passphrase)
        print("rekeyed", flush=True)
    """
)


def _trial(db: Path, rng: random.Random) -> list[str]:
    output = killed_after_ready(DRIVER, [str(db), PASSPHRASE, INSATSER[0]], rng, 0.6)
    return [line.split()[2] for line in output if line.startswith("event ")]


def _run(db: Path, trials: int, seed: int) -> int:
    rng = random.Random(seed)
    acknowledged: set[str] = set()
    keys = keyfile.keyfile_path(db)
    for _ in range(trials):
        acknowledged |= set(_trial(db, rng))
        with _login(db) as anna:
            names = sorted(p.name for p in db.parent.iterdir())
            assert names == sorted([db.name, keys.name, *(n for n in names if n.endswith(
                ("-wal", "-shm")) and n.startswith(db.name))]), names  # fmt: skip
            assert audit.verify(anna).ok
            with anna.read() as connection:
                state = trust.membership(connection)
            assert state.keyfile_digest == keyfile.digest(keys.read_bytes())
            codes = {row.code for row in cases.list_cases(anna)}
            assert acknowledged <= codes
    return trials


def test_kill_during_rekey_leaves_an_openable_register(db_path: Path) -> None:
    assert _run(db_path, trials=4, seed=21) == 4


@pytest.mark.slow
def test_kill_during_rekey_long(db_path: Path) -> None:
    assert _run(db_path, trials=60, seed=22) == 60


@pytest.mark.parametrize("rekeyed", [True, False])
def test_the_old_key_file_put_back_is_refused_and_audit_verify_reports_it(
    db_path: Path,
    rekeyed: bool,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tracker import cli

    with _login(db_path) as anna:
        registers.add_user(anna, passphrase=PASSPHRASE, user=BO[0], role="staff",
                           new_passphrase=BO[1])  # fmt: skip
    keys = keyfile.keyfile_path(db_path)
    bos_copy = keys.read_bytes()
    monkeypatch.setenv("TRACKER_USER", "anna")
    monkeypatch.setenv("TRACKER_PASSPHRASE", PASSPHRASE)
    removal = ["--db", str(db_path), "key", "remove", "--user", "bo"]
    assert cli.main(removal if rekeyed else [*removal, "--no-rekey"]) == (0 if rekeyed else 1)
    out, err = capsys.readouterr()
    assert ("ny datanyckel" in out) if rekeyed else ("INTE fått en ny datanyckel" in err)
    keys.write_bytes(bos_copy)
    for user, passphrase in (BO, ("anna", PASSPHRASE)):
        monkeypatch.setenv("TRACKER_USER", user)
        monkeypatch.setenv("TRACKER_PASSPHRASE", passphrase)
        assert cli.main(["--db", str(db_path), "audit", "verify"]) == 4
        err = capsys.readouterr().err
        assert "Traceback" not in err and err.strip()
