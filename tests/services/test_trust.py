"""Keys per person against the register's own users (issue 12): each attack a slot holder could
make on the shared-key design, made here with real files, and refused or reported."""

from __future__ import annotations

import base64
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from legacy_support import write_v1_keyfile
from support import INSATSER, PASSPHRASE, TODAY

from tracker.services import audit, cases, registers
from tracker.services.session import PermissionDenied, Session
from tracker.store import engine, keyfile, trust
from tracker.store.eventlog import (
    GENESIS_HASH,
    Head,
    canonical_json,
    chain_hash,
    legacy_signed_message,
    payload_hash,
    sign_event,
    utc_now,
)

RITA = ("rita", "rita granskar allt noga")
SAM = ("sam", "sam skriver in händelser")
BO = ("bo", "bo samordnar också")


@pytest.fixture
def team(db_path: Path) -> Path:
    """anna (coordinator) with rita (reviewer) and sam (staff)."""
    with _login(db_path, "anna", PASSPHRASE) as anna:
        for (user, passphrase), role in ((RITA, "reviewer"), (SAM, "staff")):
            registers.add_user(
                anna, passphrase=PASSPHRASE, user=user, role=role, new_passphrase=passphrase
            )
    return db_path


def _login(db_path: Path, user: str, passphrase: str) -> Session:
    return registers.open_session(db_path, user=user, passphrase=passphrase, today=lambda: TODAY)


def _raw(db_path: Path, user: str, passphrase: str) -> Iterator:
    """What a slot holder can do outside tracker: the database with her unwrapped data key."""
    unlocked = keyfile.unlock(keyfile.keyfile_path(db_path), user, passphrase)
    return engine.connect(db_path, unlocked.data_key), unlocked


def _rechain(connection, from_seq: int, resign: dict[str, object]) -> None:
    """Recompute every chain hash from ``from_seq`` on (as a forger must), re-signing the
    events of the users whose private keys the forger holds (``resign``: user → key)."""
    connection.execute("DROP TRIGGER IF EXISTS events_append_only_update")
    connection.execute("DROP TRIGGER IF EXISTS events_append_only_delete")
    rows = connection.execute(
        "SELECT seq, recorded_at, user, kind, payload, payload_hash, signature FROM events "
        "WHERE seq >= ? ORDER BY seq",
        (from_seq,),
    ).fetchall()
    previous = (
        GENESIS_HASH
        if from_seq == 1
        else connection.execute(
            "SELECT chain_hash FROM events WHERE seq = ?", (from_seq - 1,)
        ).fetchone()[0]
    )
    for seq, recorded_at, user, kind, payload, digest, signature in rows:
        if payload is not None:
            digest = payload_hash(payload.encode())
        link = chain_hash(previous, seq, recorded_at, user, kind, digest)
        if user in resign and signature is not None:
            signature = sign_event(resign[user], link)
        connection.execute(
            "UPDATE events SET payload_hash = ?, chain_hash = ?, signature = ? WHERE seq = ?",
            (digest, link, signature, seq),
        )
        previous = link
    connection.commit()


def _verify(db_path: Path, expected: Head | None = None) -> audit.AuditReport:
    with _login(db_path, "anna", PASSPHRASE) as anna:
        return audit.verify(anna, expected)


# --- roles and users live in the signed log ---------------------------------------------------


def test_a_role_change_is_logged_and_signed_by_the_coordinator(team: Path) -> None:
    with _login(team, "anna", PASSPHRASE) as anna:
        registers.change_role(anna, passphrase=PASSPHRASE, user="sam", role="coordinator")
        with anna.read() as connection:
            row = connection.exec_driver_sql(
                "SELECT seq, user, payload, signature FROM events WHERE kind = 'role_changed'"
            ).one()
            state = trust.membership(connection)
    assert row.user == "anna" and row.signature
    assert json.loads(row.payload)["role"] == "coordinator"
    assert state.ok and state.role("sam") == "coordinator"
    with _login(team, *SAM) as sam:
        assert sam.actor.role == "coordinator"
        assert sam.authority is not None  # the register authority was wrapped to him
    assert _verify(team).ok


def test_a_reviewers_self_raised_role_is_refused_and_reported(team: Path) -> None:
    connection, rita = _raw(team, *RITA)
    with _login(team, *RITA) as session:
        assert session.actor.role == "reviewer"
    # Rita writes herself a role change, signed with her own key, straight into the database.
    head = connection.execute("SELECT seq, chain_hash FROM events ORDER BY seq DESC").fetchone()
    seq, recorded = head[0] + 1, "2026-11-20T10:00:00.000000Z"
    payload = canonical_json({"previous": "reviewer", "role": "coordinator", "user": "rita"})
    digest = payload_hash(payload)
    link = chain_hash(head[1], seq, recorded, "rita", "role_changed", digest)
    connection.execute(
        "INSERT INTO events (seq, recorded_at, user, kind, payload, payload_hash, chain_hash, "
        "signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (seq, recorded, "rita", "role_changed", payload.decode(), digest, link,
         sign_event(rita.identity.ed25519, link)),
    )  # fmt: skip
    connection.commit()
    connection.close()
    with _login(team, *RITA) as session:
        assert session.actor.role == "reviewer"  # the forged event raises nobody
        with pytest.raises(PermissionDenied):
            registers.add_user(
                session, passphrase=RITA[1], user="eve", role="staff", new_passphrase="x" * 12
            )
    report = _verify(team)
    assert not report.ok
    assert report.signatures.first_bad_seq == seq
    assert report.signatures.problem == "trust.not_allowed"


def test_a_legacy_slot_with_a_raised_role_is_refused(tmp_path: Path, cheap_kdf) -> None:
    """The issue's attack on a version 1 file: re-wrap the own slot as coordinator, re-seal."""
    fixture = Path(__file__).parents[1] / "data" / "upgrade" / "schema-0002"
    shutil.copytree(fixture, tmp_path / "old")
    db = tmp_path / "old" / "tracker.db"
    expected = json.loads((tmp_path / "old" / "expected.json").read_text("utf-8"))
    (coordinator, coordinator_pass), (staff, staff_pass) = expected["users"].items()
    keys = keyfile.keyfile_path(db)
    data_key = keyfile.unlock(keys, staff, staff_pass).data_key
    write_v1_keyfile(
        keys,
        keyfile.load_keyfile(keys).database_id,
        data_key,
        [(coordinator, "coordinator", coordinator_pass), (staff, "coordinator", staff_pass)],
        keyfile.generate_recovery_key()[0],
    )
    with pytest.raises(keyfile.KeyFileNotBacked) as refused:
        _login(db, staff, staff_pass)
    assert refused.value.reason == "role"
    with _login(db, coordinator, coordinator_pass) as session:
        assert session.actor.role == "coordinator"  # her own slot is what the log says


def test_a_restored_old_key_file_is_refused_at_login(team: Path) -> None:
    keys = keyfile.keyfile_path(team)
    old = keys.read_bytes()
    with _login(team, "anna", PASSPHRASE) as anna:
        registers.remove_user(anna, passphrase=PASSPHRASE, user="sam")
    keys.write_bytes(old)  # sam puts the file that still holds his slot back
    for user, passphrase in (SAM, ("anna", PASSPHRASE)):
        with pytest.raises(keyfile.KeyFileNotBacked) as refused:
            _login(team, user, passphrase)
        assert refused.value.reason == "file"


def test_a_removed_user_is_refused_even_with_a_recorded_file(team: Path) -> None:
    with _login(team, "anna", PASSPHRASE) as anna:
        registers.remove_user(anna, passphrase=PASSPHRASE, user="sam")
    with pytest.raises(keyfile.WrongCredentials):
        _login(team, *SAM)


# --- every event signed by its author ---------------------------------------------------------


def _events_by(db_path: Path, user: str, passphrase: str, count: int) -> list[int]:
    with _login(db_path, user, passphrase) as session:
        seqs = []
        for _ in range(count):
            view = cases.register_application(
                session, insats=INSATSER[0], gender="kvinna", on=TODAY, referrer="af"
            )
            seqs.append(view.last_seq)
    return seqs


@pytest.mark.parametrize("change", ["edit", "delete"])
def test_rewriting_history_before_another_users_event_fails_naming_the_seq(
    team: Path, change: str
) -> None:
    sams = _events_by(team, *SAM, 2)
    annas = _events_by(team, "anna", PASSPHRASE, 1)
    assert _verify(team).ok
    connection, sam = _raw(team, *SAM)
    target = sams[0]
    connection.execute("DROP TRIGGER IF EXISTS events_append_only_update")
    connection.execute("DROP TRIGGER IF EXISTS events_append_only_delete")
    if change == "edit":
        payload = json.loads(
            connection.execute("SELECT payload FROM events WHERE seq = ?", (target,)).fetchone()[0]
        )
        payload["gender"] = "man"
        connection.execute(
            "UPDATE events SET payload = ? WHERE seq = ?",
            (canonical_json(payload).decode(), target),
        )
        _rechain(connection, target, {"sam": sam.identity.ed25519})
    else:
        connection.execute("DELETE FROM events WHERE seq = ?", (target,))
        rows = connection.execute("SELECT seq FROM events WHERE seq > ? ORDER BY seq", (target,))
        for (seq,) in rows.fetchall():
            connection.execute("UPDATE events SET seq = ? WHERE seq = ?", (seq - 1, seq))
        _rechain(connection, target, {"sam": sam.identity.ed25519})
    connection.close()
    with _login(team, "anna", PASSPHRASE) as anna:
        report = audit.verify(anna)
    assert report.chain.ok  # the chain was rebuilt: only the signatures tell
    assert not report.ok
    shift = 1 if change == "delete" else 0
    assert report.signatures.first_bad_seq == annas[0] - shift
    assert report.signatures.problem == "trust.bad_signature"
    assert report.signatures.problem_user == "anna"


# --- a batch signs once, and says for how many -------------------------------------------


def test_a_batch_signs_its_last_event_for_the_others(team: Path) -> None:
    with _login(team, *SAM) as sam, sam.batch():
        seqs = [
            cases.register_application(
                sam, insats=INSATSER[0], gender="kvinna", on=TODAY, referrer="af"
            ).last_seq
            for _ in range(5)
        ]
    connection, _ = _raw(team, *SAM)
    signed = [
        seq
        for (seq,) in connection.execute(
            "SELECT seq FROM events WHERE seq >= ? AND signature IS NOT NULL", (seqs[0],)
        )
    ]
    connection.close()
    assert signed == [seqs[-1]]
    assert _verify(team).ok


def _append_copy_of_newest(
    db_path: Path, author: str, *, signed_by: tuple[str, str] | None = None
) -> int:
    """Outside tracker, with a slot's data key: append a copy of the newest event naming
    ``author``, unsigned (sam's slot), or signed the way the previous release did, over the
    chain hash alone, by the slot holder ``signed_by`` (user, passphrase)."""
    connection, unlocked = _raw(db_path, *(signed_by or SAM))
    seq, link, kind, code, payload = connection.execute(
        "SELECT seq, chain_hash, kind, case_code, payload FROM events ORDER BY seq DESC"
    ).fetchone()
    recorded, digest = utc_now(), payload_hash(payload.encode())
    new_link = chain_hash(link, seq + 1, recorded, author, kind, digest)
    signature = None
    if signed_by is not None:
        signature = base64.b64encode(
            unlocked.identity.ed25519.sign(legacy_signed_message(new_link))
        ).decode()
    connection.execute(
        "INSERT INTO events (seq, recorded_at, user, kind, case_code, payload, payload_hash, "
        "chain_hash, signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (seq + 1, recorded, author, kind, code, payload, digest, new_link, signature),
    )  # fmt: skip
    connection.commit()
    connection.close()
    return seq + 1


def test_an_unsigned_event_slipped_in_front_of_an_authors_save_is_reported(team: Path) -> None:
    _events_by(team, "anna", PASSPHRASE, 1)
    slipped = _append_copy_of_newest(team, "anna")
    # Anna's next save signs the new head, which covers the slipped event's hash: her signature
    # states that it vouches for no unsigned event before it.
    (annas,) = _events_by(team, "anna", PASSPHRASE, 1)
    assert annas == slipped + 1
    report = _verify(team)
    assert not report.ok
    assert report.signatures.first_bad_seq == slipped
    assert report.signatures.problem == "trust.unsigned"
    assert report.signatures.problem_user == "anna"


def test_an_old_programs_signature_vouches_for_no_slipped_event(team: Path) -> None:
    _events_by(team, "anna", PASSPHRASE, 1)
    # On its own an old-form signature still counts (a colleague who has not upgraded yet).
    _append_copy_of_newest(team, "anna", signed_by=("anna", PASSPHRASE))
    assert _verify(team).signatures.ok
    slipped = _append_copy_of_newest(team, "anna")
    _append_copy_of_newest(team, "anna", signed_by=("anna", PASSPHRASE))
    report = _verify(team)
    assert report.signatures.first_bad_seq == slipped
    assert report.signatures.problem == "trust.unsigned"


def test_expect_catches_a_cut_tail_of_own_events(team: Path) -> None:
    _events_by(team, "anna", PASSPHRASE, 1)
    sams = _events_by(team, *SAM, 3)
    report = _verify(team)
    kept = report.chain.head  # the review point a reviewer keeps
    assert kept.seq == sams[-1]
    connection, _ = _raw(team, *SAM)
    connection.execute("DROP TRIGGER IF EXISTS events_append_only_delete")
    connection.execute("DELETE FROM events WHERE seq >= ?", (sams[1],))
    connection.commit()
    connection.close()
    assert _verify(team).signatures.ok  # sam's own newest events: no other signature breaks
    cut = _verify(team, kept)
    assert not cut.ok and cut.expected_found is None
    assert _verify(team, Head(kept.seq - 2, "0" * 64)).expectation_met is False


def test_parse_expectation() -> None:
    assert audit.parse_expectation(f"12:{'a' * 64}") == Head(12, "a" * 64)
    for bad in ("12", f"x:{'a' * 64}", "12:abc", f"-1:{'a' * 64}"):
        with pytest.raises(audit.ServiceError):
            audit.parse_expectation(bad)


def test_a_signed_head_is_kept_and_checked_later(team: Path, tmp_path: Path) -> None:
    _events_by(team, "anna", PASSPHRASE, 1)
    with _login(team, *RITA) as rita:
        head = audit.signed_head(rita)
    kept = tmp_path / "granskningspunkt.json"
    kept.write_text(json.dumps(head), "utf-8")
    assert audit.parse_expectation(str(kept)) == Head(head["seq"], head["hash"])
    assert _verify(team, audit.parse_expectation(str(kept))).ok
    head["seq"] -= 1  # edited by hand: the signature no longer holds
    kept.write_text(json.dumps(head), "utf-8")
    with pytest.raises(audit.ServiceError):
        audit.parse_expectation(str(kept))
