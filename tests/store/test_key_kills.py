"""SIGKILL at random moments during key-file changes (issue 13, finding 4): the key file in
place is always the one the log last recorded, no change takes effect without its event, and the
next open removes every leftover (``<db>.keys.pending``, ``.<db>.keys.*.tmp``).

A few trials run by default; ``-m slow`` runs the long version.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from support import PASSPHRASE, TODAY

from tracker.services import audit, registers
from tracker.store import keyfile, trust

DRIVER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from tracker.store import keyfile
    cheap = keyfile.KdfParams(8, 1, 1)
    keyfile.DEFAULT_KDF = keyfile.KDF_FLOOR = cheap
    from tracker.services import registers
    db, passphrase, start = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    session = registers.open_session(db, user="anna", passphrase=passphrase)
    print("ready", flush=True)
    current = passphrase
    for n in range(start, start + 1000):
        registers.add_user(session, passphrase=current, user=f"u{n}", role="staff",
                           new_passphrase=f"lösenfras {n:04d}")
        print(f"added u{n}", flush=True)
        new = f"anna lösenfras {n:04d}"
        registers.change_passphrase(session, passphrase=current, new_passphrase=new)
        current = new
        print(f"passwd {new}", flush=True)
    """
)


def _trial(db: Path, passphrase: str, start: int, rng: random.Random) -> tuple[list[str], set[str]]:
    """One killed run: anna's passphrases that may now be in force (the last acknowledged one,
    and the one of a change killed after its commit) and the users acknowledged as added."""
    process = subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(db), passphrase, str(start)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == b"ready"
    time.sleep(rng.uniform(0.0, 0.25))
    process.send_signal(signal.SIGKILL)
    output = process.communicate()[0].decode().splitlines()
    added = {line.split()[1] for line in output if line.startswith("added ")}
    changed = [line.split(" ", 1)[1] for line in output if line.startswith("passwd ")]
    candidates = [changed[-1] if changed else passphrase]
    if output and output[-1].startswith("added "):
        number = int(output[-1].split()[1][1:])
        candidates.append(f"anna lösenfras {number:04d}")  # its passwd may have committed
    elif not output:
        candidates.append(f"anna lösenfras {start:04d}")
    return candidates, added


def _check(db: Path, candidates: list[str], added: set[str]) -> str:
    """Open and check everything; returns the passphrase that opened."""
    for candidate in candidates:
        try:
            session = registers.open_session(
                db, user="anna", passphrase=candidate, today=lambda: TODAY
            )
        except keyfile.WrongCredentials:
            continue
        break
    else:
        raise AssertionError("neither the acknowledged nor the next passphrase opens")
    keys = keyfile.keyfile_path(db)
    with session:
        leftovers = sorted(p.name for p in db.parent.iterdir() if p.name not in
                           {db.name, keys.name, f"{db.name}-wal", f"{db.name}-shm"})  # fmt: skip
        assert leftovers == []
        with session.read() as connection:
            state = trust.membership(connection)
        assert state.ok
        assert state.keyfile_digest == keyfile.digest(keys.read_bytes())
        in_file = set(keyfile.load_keyfile(keys).users())
        in_log = {user for user, member in state.members.items() if member.active}
        assert in_file == in_log  # no slot without its event, no event without its slot
        assert added <= in_log  # every acknowledged addition is there
        assert audit.verify(session).ok
    return candidate


def _run(db: Path, trials: int, seed: int) -> int:
    rng = random.Random(seed)
    passphrase = PASSPHRASE
    added: set[str] = set()
    start = 0
    for _ in range(trials):
        candidates, new = _trial(db, passphrase, start, rng)
        added |= new
        passphrase = _check(db, candidates, added)
        start += 1000
    return trials


def test_kill_during_key_changes_never_leaves_a_change_without_its_event(db_path: Path) -> None:
    assert _run(db_path, trials=4, seed=12) == 4


@pytest.mark.slow
def test_kill_during_key_changes_long(db_path: Path, request: pytest.FixtureRequest) -> None:
    if "slow" not in (request.config.getoption("markexpr") or ""):
        pytest.skip("the long version runs with -m slow")
    assert _run(db_path, trials=100, seed=13) == 100
