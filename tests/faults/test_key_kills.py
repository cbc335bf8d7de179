"""SIGKILL at random moments during key-file changes (issue 13, finding 4): the key file in
place is always the one the log last recorded, no change takes effect without its event, and the
next open removes every leftover (``<db>.keys.pending``, ``.<db>.keys.*.tmp``).

A few trials run by default; ``-m slow`` runs the long version.
"""

from __future__ import annotations

import random
import textwrap
from collections import Counter
from pathlib import Path
from typing import NamedTuple

import pytest
from fault_support import killed_after_ready
from support import INSATSER, PASSPHRASE, TODAY

from tracker.services import audit, registers
from tracker.store import keyfile, trust
from tracker.store.eventlog import iter_events

DRIVER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from tracker.store import keyfile
    cheap = keyfile.KdfParams(8, 1, 1)
    keyfile.DEFAULT_KDF = keyfile.KDF_FLOOR = cheap
    from tracker.services import registers
    db, passphrase, start = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    recovery_key = sys.argv[4]
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
        if n % 2:  # every other user: recovered, then removed
            registers.recover(db, recovery_key=recovery_key, user=f"u{n}",
                              new_passphrase=f"återställd {n:04d}")
            print(f"recovered u{n}", flush=True)
            registers.remove_user(session, passphrase=current, user=f"u{n}")
            print(f"removed u{n}", flush=True)
    """
)


class Said(NamedTuple):
    """What a killed driver acknowledged: anna's passphrases that may now be in force (the last
    acknowledged one, and the one of a change killed after its commit), and the users it
    acknowledged as added and as removed."""

    candidates: list[str]
    added: set[str]
    removed: set[str]
    maybe_removed: set[str]


def _trial(db: Path, passphrase: str, start: int, recovery_key: str, rng: random.Random) -> Said:
    output = killed_after_ready(DRIVER, [str(db), passphrase, str(start), recovery_key], rng, 0.5)
    added = {line.split()[1] for line in output if line.startswith("added ")}
    removed = {line.split()[1] for line in output if line.startswith("removed ")}
    # A removal killed after its commit but before its line: it may or may not be in force.
    in_flight = {output[-1].split()[1]} if output and output[-1].startswith("recovered ") else set()
    changed = [line.split(" ", 1)[1] for line in output if line.startswith("passwd ")]
    candidates = [changed[-1] if changed else passphrase]
    if output and output[-1].startswith(("added ", "recovered ", "removed ")):
        number = int(output[-1].split()[1][1:])
        if output[-1].startswith("added "):
            candidates.append(f"anna lösenfras {number:04d}")  # its passwd may have committed
        else:
            candidates.append(f"anna lösenfras {number + 1:04d}")  # the next round's passwd
    elif not output:
        candidates.append(f"anna lösenfras {start:04d}")
    return Said(candidates, added, removed, in_flight)


def _check(
    db: Path, candidates: list[str], added: set[str], removed: set[str], maybe: set[str]
) -> str:
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
        assert added - removed - maybe <= in_log  # every acknowledged addition is there
        assert not removed & in_log  # and every acknowledged removal
        assert audit.verify(session).ok
    return candidate


def _run(folder: Path, trials: int, seed: int) -> Counter[str]:
    """Kill the driver ``trials`` times; how many changes of each kind were acknowledged."""
    db = folder / "db" / "tracker.db"
    recovery_key = registers.create_register(
        db, user="anna", passphrase=PASSPHRASE, insatser=INSATSER, today=lambda: TODAY
    )
    rng = random.Random(seed)
    passphrase = PASSPHRASE
    added: set[str] = set()
    removed: set[str] = set()
    unsure: set[str] = set()  # removals killed under way, over all the trials
    start = 0
    for _ in range(trials):
        said = _trial(db, passphrase, start, recovery_key, rng)
        added |= said.added
        removed |= said.removed
        unsure |= said.maybe_removed
        passphrase = _check(db, said.candidates, added, removed, unsure)
        start += 1000
    with (
        registers.open_session(
            db, user="anna", passphrase=passphrase, today=lambda: TODAY
        ) as session,
        session.read() as connection,
    ):
        return Counter(event.kind for event in iter_events(connection))


def test_kill_during_key_changes_never_leaves_a_change_without_its_event(
    tmp_path: Path, cheap_kdf: keyfile.KdfParams
) -> None:
    kinds = _run(tmp_path, trials=4, seed=12)
    assert kinds["user_added"] >= 1


@pytest.mark.slow
def test_kill_during_key_changes_long(tmp_path: Path, cheap_kdf: keyfile.KdfParams) -> None:
    kinds = _run(tmp_path, trials=100, seed=13)
    print(f"\nFIGURES key_kills trials=100 logged={dict(sorted(kinds.items()))}")
    for kind in ("user_added", "passphrase_changed", "passphrase_recovered", "user_removed"):
        assert kinds[kind] >= 1, kinds
