"""Registers and keys: create a register, log in, manage users' key slots, recover."""

from __future__ import annotations

import base64
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tracker import __version__
from tracker.domain.codelists import DEFAULT_CODE_LISTS, DEFAULT_LADDER
from tracker.domain.errors import RuleError, Violation
from tracker.domain.personnummer import check_free_text, check_name
from tracker.services import reports
from tracker.services.session import (
    LADDER_LIST,
    ROLE_COORDINATOR,
    Actor,
    ServiceError,
    Session,
    Transaction,
    insats_ids,
)
from tracker.store import keyfile, signing, trust
from tracker.store.atomic import write_atomic
from tracker.store.database import (
    Register,
    check_register_file,
    creating,
    finish_interrupted_init,
    init_lock,
    new_database_id,
    pending_keys_path,
    place_keys,
)
from tracker.store.engine import WrongDataKey
from tracker.store.keyfile import KeyFile, keyfile_path
from tracker.store.projections import CODE_LIST_SET, INSATS_ADDED, REGISTER_CREATED
from tracker.store.trust import (
    AUTHORITY_SET,
    PASSPHRASE_CHANGED,
    PASSPHRASE_RECOVERED,
    RECOVERY_KEY_SET,
    ROLE_CHANGED,
    USER_ADDED,
    USER_KEYS_SET,
    USER_REMOVED,
    Membership,
)

MIN_PASSPHRASE_LENGTH = 10
DEMO_PASSPHRASE = "demo"

__all__ = [
    "AUTHORITY_SET",
    "PASSPHRASE_CHANGED",
    "PASSPHRASE_RECOVERED",
    "ROLE_CHANGED",
    "USER_ADDED",
    "USER_KEYS_SET",
    "USER_REMOVED",
]


# Phrases every guesser tries first (compared without case, digits, spaces or punctuation).
COMMON_PASSPHRASES = frozenset(
    {
        "password",
        "passw",
        "lösenord",
        "losenord",
        "hemligt",
        "hemlig",
        "qwerty",
        "qwertyuiop",
        "qwertzuiop",
        "asdfghjkl",
        "asdfgh",
        "zxcvbnm",
        "abcdefghij",
        "abcdef",
        "abcdefghijklmnopqrstuvwxyz",
        "welcome",
        "välkommen",
        "valkommen",
        "letmein",
        "iloveyou",
        "changeme",
        "admin",
        "administrator",
        "sommar",
        "vinter",
        "hösten",
        "våren",
        "tracker",
        "samordning",
        "samordningsteam",
        "samordningsförbundet",
        "demo",
        "test",
        "testtest",
        "secret",
        "monkey",
        "dragon",
        "football",
        "sunshine",
    }
)
MIN_DISTINCT_CHARACTERS = 4


def check_new_passphrase(passphrase: str) -> None:
    """Refuse passphrases too short or too simple to resist guessing: digits only, one or a
    few characters repeated, or a phrase every guesser tries (a strength hint is the UI's job).
    The demo register's passphrase is set by code, never through this check."""
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise ServiceError("service.passphrase_too_short", minimum=MIN_PASSPHRASE_LENGTH)
    folded = passphrase.casefold()
    letters = "".join(char for char in folded if char.isalpha())
    if (
        not letters
        or len(set(folded.replace(" ", ""))) < MIN_DISTINCT_CHARACTERS
        or letters in COMMON_PASSPHRASES
    ):
        raise ServiceError("service.passphrase_too_simple")


def _check_names(insatser: Sequence[str]) -> list[str]:
    names = [name.strip() for name in insatser]
    problems: list[Violation] = []
    if not names:
        problems.append(Violation("service.no_insats", {}, "insats"))
    for name in names:
        violation = check_name(name, "insats")
        if violation:
            problems.append(violation)
    if len(set(names)) != len(names):
        problems.append(Violation("service.duplicate_insats", {}, "insats"))
    if problems:
        raise RuleError(problems)
    return names


def _add_insatser(tx: Transaction, names: Sequence[str]) -> None:
    existing = insats_ids(tx.connection)
    next_id = max(existing.values(), default=0) + 1
    for name in names:
        if name in existing:
            raise ServiceError("service.insats_exists", insats=name)
        tx.append(INSATS_ADDED, {"id": next_id, "name": name})
        next_id += 1


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _identity_payload(identity: keyfile.Identity) -> dict[str, str]:
    return {"x25519": _b64(identity.x25519_public), "ed25519": _b64(identity.ed25519_public)}


def _authority_payload(authority: Ed25519PrivateKey) -> dict[str, str]:
    public = signing.PublicKey(authority.public_key().public_bytes_raw())
    return {"authority": public.base64, "fingerprint": public.fingerprint}


def create_register(
    db_path: Path,
    *,
    user: str,
    passphrase: str,
    insatser: Sequence[str],
    demo: bool = False,
    today: Callable[[], date] = date.today,
    forbund: str | None = None,
) -> str:
    """Create an encrypted register and its key file; returns the recovery key (shown once).

    The first user is a coordinator; she signs the register's first events, which record her
    public keys, the recovery key's, the register authority's and the key file's SHA-256. The
    database is built in a temporary file and appears at ``db_path`` only when complete.
    ``forbund``: the förbund's name for the reports, if given (the same setting and event as
    ``tracker forbund set``).
    """
    if not demo:
        check_new_passphrase(passphrase)
    user = keyfile.validate_user_name(user)  # before anything is created
    violation = check_free_text(user, "user")
    if violation:
        raise RuleError([violation])
    names = _check_names(insatser)
    forbund_name = reports.check_forbund(forbund) if forbund is not None else None
    keys_path = keyfile_path(db_path)
    with init_lock(db_path):
        finish_interrupted_init(db_path, keys_path)
        check_no_register(db_path)
        pending = pending_keys_path(db_path, keys_path)
        try:
            recovery_key = _build(
                db_path, pending, user, passphrase, names, demo, today, forbund_name
            )
            # The key file appears last: a kill before this rename leaves a database whose key
            # file the next open or init puts in place (finish_interrupted_init).
            place_keys(pending, keys_path)
        except BaseException:
            if not db_path.exists():
                pending.unlink(missing_ok=True)
            raise
    return recovery_key


def check_no_register(db_path: Path) -> None:
    """Refuse to create a register where one, or half of one, is already."""
    keys_path = keyfile_path(db_path)
    if db_path.exists():
        raise ServiceError("service.register_exists", path=str(db_path))
    if keys_path.exists():
        raise ServiceError("store.half_created", path=str(db_path), keys=str(keys_path))


def _build(
    db_path: Path,
    keys_path: Path,
    user: str,
    passphrase: str,
    names: list[str],
    demo: bool,
    today: Callable[[], date],
    forbund_name: str | None,
) -> str:
    """The database (moved into place when complete) and its key file at ``keys_path``."""
    database_id = new_database_id()
    data_key = keyfile.new_data_key()
    authority = Ed25519PrivateKey.generate()
    try:
        built = keyfile.new_keyfile(keys_path, database_id, data_key, user, passphrase, authority)
        data = built.keyfile.encode()
        with creating(db_path, data_key, database_id) as register:
            session = Session(
                register,
                Actor(user, ROLE_COORDINATOR),
                db_path,
                today,
                signer=built.identity.ed25519,
                authority=authority,
            )
            with session.transaction() as tx:
                tx.append(
                    USER_ADDED,
                    {
                        "user": user,
                        "role": ROLE_COORDINATOR,
                        **_identity_payload(built.identity),
                        "keyfile_sha256": keyfile.digest(data),
                    },
                )
                tx.append(RECOVERY_KEY_SET, _identity_payload(built.recovery_identity))
                tx.append(AUTHORITY_SET, _authority_payload(authority))
                tx.append(
                    REGISTER_CREATED,
                    {"database_id": database_id, "demo": demo, "tool_version": __version__},
                )
                for name, code_list in DEFAULT_CODE_LISTS.items():
                    tx.append(
                        CODE_LIST_SET,
                        {
                            "name": name,
                            "version": code_list.version,
                            "content": code_list.to_dict(),
                        },
                    )
                tx.append(
                    CODE_LIST_SET,
                    {
                        "name": LADDER_LIST,
                        "version": DEFAULT_LADDER.version,
                        "content": DEFAULT_LADDER.to_dict(),
                    },
                )
                _add_insatser(tx, names)
                if forbund_name is not None:
                    reports.record_forbund(tx, forbund_name, None)
            if demo:
                register.write_meta("demo", "1")
            # The key file is written last inside the block: if it fails, no database appears.
            if keys_path.exists():
                raise keyfile.KeyFileExists(keys_path)
            write_atomic(keys_path, data, mode=0o600)
        return built.recovery_key
    finally:
        data_key[:] = bytes(len(data_key))


# --- login: the key file must be the one the log backs ----------------------------------------


def rekey_path(db_path: Path) -> Path:
    """Where ``tracker rekey`` builds the re-encrypted copy: ``<db>.rekey``."""
    return db_path.with_name(db_path.name + ".rekey")


def remove_rekey_leftovers(db_path: Path) -> None:
    """An interrupted rekey's copy (the swap did not happen: the old register stands)."""
    copy = rekey_path(db_path)
    for leftover in [
        *(copy.with_name(copy.name + suffix) for suffix in ("", "-wal", "-shm", "-journal")),
        *db_path.parent.glob(f".{keyfile.glob_escape(copy.name)}.*.tmp*"),
    ]:
        leftover.unlink(missing_ok=True)


def _settle(register: Register, path: Path) -> None:
    """Finish or roll back a key-file change or rekey a crash interrupted (inside the write
    lock, so no live change of another process is touched)."""
    remove_rekey_leftovers(register.path)
    pending, temporary = keyfile.leftovers(path)
    if pending is None and not temporary:
        return
    with register.write() as connection:
        recorded = trust.membership(connection).keyfile_digest
        keyfile.settle_pending(path, {recorded} if recorded else set())


def check_backed(state: Membership, current: KeyFile, unlocked: keyfile.Unlocked) -> str:
    """:func:`_check_backed`, told as a changed log when the log's own checks failed (then the
    key file or user it does not back is a consequence, not the cause)."""
    try:
        return _check_backed(state, current, unlocked)
    except keyfile.KeyFileNotBacked as refused:
        if state.ok:
            raise
        seq = state.first_bad_seq or 0
        raise keyfile.KeyFileNotBacked(current.path, unlocked.user, "log", seq) from refused


def _check_backed(state: Membership, current: KeyFile, unlocked: keyfile.Unlocked) -> str:
    """The role the log gives the unlocked slot's user; KeyFileNotBacked when the log does not
    back the key file or the slot (a restored old key file, a removed user, a raised role, keys
    the log does not know). Membership events that fail their checks count for nothing here
    (tracker.store.trust); ``audit verify`` names them."""
    path = current.path
    if state.keyfile_digest is not None and current.digest != state.keyfile_digest:
        raise keyfile.KeyFileNotBacked(path, unlocked.user, "file")
    slot = unlocked.slot
    if unlocked.user is None:
        recovery = current.recovery_slot()
        if recovery.to_json() != slot.to_json():
            raise keyfile.WrongCredentials()
        if state.recovery_ed25519 is not None and (
            not isinstance(slot, keyfile.Slot) or slot.ed25519 != state.recovery_ed25519
        ):
            raise keyfile.KeyFileNotBacked(path, None, "keys")
        return ""
    in_place = current.find_user(unlocked.user)
    if in_place is None or in_place.to_json() != slot.to_json():
        # Opened with a key file that has since been replaced (a changed passphrase).
        raise keyfile.WrongCredentials()
    member = state.active(unlocked.user)
    if member is None:
        raise keyfile.KeyFileNotBacked(path, unlocked.user, "user")
    if isinstance(slot, keyfile.LegacySlot):
        if slot.role != member.role:
            raise keyfile.KeyFileNotBacked(path, unlocked.user, "role")
    elif (member.x25519, member.ed25519) != (slot.x25519, slot.ed25519):
        raise keyfile.KeyFileNotBacked(path, unlocked.user, "keys")
    return member.role


def _unlock_either(path: Path, user: str, passphrase: str) -> keyfile.Unlocked:
    """Unlock ``user``'s slot in the key file, or (after a crash) in the pending one."""
    try:
        return keyfile.unlock(path, user, passphrase)
    except keyfile.WrongCredentials:
        pending = keyfile.pending_path(path)
        if not pending.exists():
            raise
        return keyfile.unlock(pending, user, passphrase)


def open_session(
    db_path: Path,
    *,
    user: str,
    passphrase: str,
    today: Callable[[], date] = date.today,
    read_only: bool = False,
) -> Session:
    """Log in: unlock the user's slot (one Argon2id derivation), open the register, check the
    key file and the slot against the log, and upgrade a legacy slot in place.

    ``read_only``: for commands that only read (nothing is written to the database, its WAL is
    never checkpointed); a crashed key-file change is then settled by the next writing login,
    and a legacy slot upgrades then too."""
    check_register_present(db_path)
    check_register_file(db_path)  # before the key derivation: a non-register fails at once
    # The name as stored (NFC); a name that could never be valid simply finds no slot.
    user = unicodedata.normalize("NFC", user)
    path = keyfile_path(db_path)
    pending, temporary = keyfile.leftovers(path)
    # A crashed key-file change must be settled before the key file is checked against the
    # log; that one open writes, even for a reading command.
    read_only = read_only and pending is None and not temporary
    unlocked = _unlock_either(path, user, passphrase)
    database_id = unlocked.keyfile.database_id
    try:
        register = Register.open(db_path, unlocked.data_key, database_id, read_only=read_only)
    except WrongDataKey:
        # A rekey killed between its two renames: the new database wants the pending key file.
        pending = keyfile.pending_path(path)
        if not pending.exists():
            raise
        unlocked.wipe()
        unlocked = keyfile.unlock(pending, user, passphrase)
        register = Register.open(db_path, unlocked.data_key, database_id, read_only=read_only)
    finally:
        unlocked.wipe()
    session = Session(register, Actor(user, ""), db_path, today)
    try:
        if not read_only:
            _settle(register, path)
        with register.read() as connection:
            state = trust.membership(connection)
        role = check_backed(state, keyfile.load_keyfile(path), unlocked)
        session.actor = Actor(user, role)
        session.authority = unlocked.authority
        if unlocked.identity is not None and unlocked.upgraded is None:
            session.signer = unlocked.identity.ed25519
        elif not read_only:
            _upgrade_slot(session, unlocked)
        if role == ROLE_COORDINATOR and state.authority is None and not read_only:
            _create_authority(session)
    except BaseException:
        session.close()
        raise
    return session


def _upgrade_slot(session: Session, unlocked: keyfile.Unlocked) -> None:
    """A legacy slot's first login: its version 2 slot (new key pairs, same passphrase) goes
    into the key file, and the log records the user's new public keys, signed by her new key."""
    assert unlocked.upgraded is not None and unlocked.identity is not None
    identity = unlocked.identity
    upgraded = unlocked.upgraded
    user = session.actor.user
    session.signer = identity.ed25519

    def change(current: KeyFile) -> tuple[KeyFile, dict[str, Any]]:
        if current.find_user(user) != unlocked.slot:
            raise keyfile.KeyFileTampered(current.path)
        slot = upgraded.find_user(user)
        assert isinstance(slot, keyfile.Slot)
        return keyfile.replace_slot(current, slot), {"user": user, **_identity_payload(identity)}

    change_keyfile(session, USER_KEYS_SET, change)


def _create_authority(session: Session) -> None:
    """The register authority for a register made before it existed: a new Ed25519 key wrapped
    to every coordinator with a version 2 slot (and the recovery slot when it is one); the old
    in-database signing key is erased. Reviewers pin the new fingerprint."""
    authority = Ed25519PrivateKey.generate()

    def change(current: KeyFile) -> tuple[KeyFile, dict[str, Any]]:
        with session.read() as connection:
            coordinators = set(trust.membership(connection).coordinators())
        return (
            keyfile.with_authority(current, coordinators, authority),
            _authority_payload(authority),
        )

    def erase(tx: Transaction) -> None:
        signing.erase_legacy_private(tx.connection)

    change_keyfile(session, AUTHORITY_SET, change, extra=erase)
    session.authority = authority


def rotate_authority(session: Session) -> None:
    """Hand the register authority over to a new key (a coordinator left or lost the role and
    may keep a copy of the old one): the old key signs the new one (TUF's root rotation), so a
    reviewer's pin follows; the new key is wrapped to the remaining coordinators only."""
    old = session.authority
    if old is None:
        raise ServiceError("service.no_authority")
    new = Ed25519PrivateKey.generate()
    database_id = session.register.meta("database_id") or ""
    previous = _b64(old.public_key().public_bytes_raw())
    payload = _authority_payload(new)
    signature = old.sign(signing.rotation_statement(database_id, previous, payload["authority"]))

    def change(current: KeyFile) -> tuple[KeyFile, dict[str, Any]]:
        with session.read() as connection:
            coordinators = set(trust.membership(connection).coordinators())
        return keyfile.with_authority(current, coordinators, new), {
            **payload,
            "previous": previous,
            "rotation": _b64(signature),
        }

    change_keyfile(session, AUTHORITY_SET, change)
    session.authority = new if session.actor.role == ROLE_COORDINATOR else None


def change_keyfile(
    session: Session,
    kind: str,
    change: Callable[[KeyFile], tuple[KeyFile, dict[str, Any]]],
    *,
    extra: Callable[[Transaction], None] | None = None,
) -> KeyFile:
    """A key-file change and its event as one recoverable unit (COMMON design).

    Inside the write lock: read the key file (it must be the one the log backs), compute the
    change, write ``<db>.keys.pending`` (fsynced), append the event recording the new file's
    SHA-256 and commit; then rename the pending file into place. A crash before the commit
    leaves an unrecorded pending file (removed on the next open), after it a recorded one
    (renamed into place on the next open)."""
    path = keyfile_path(session.db_path)
    pending = keyfile.pending_path(path)
    written = ""
    try:
        with session.transaction() as tx:
            recorded = trust.membership(tx.connection).keyfile_digest
            # Leftovers of a crashed change (ours is not written yet): finish or remove them.
            keyfile.settle_pending(path, {recorded} if recorded else set())
            current = keyfile.load_keyfile(path)
            if recorded is not None and current.digest != recorded:
                raise keyfile.KeyFileNotBacked(path, session.actor.user, "file")
            new, payload = change(current)
            data = new.encode()
            written = keyfile.digest(data)
            keyfile.write_pending(path, data)
            tx.append(kind, {**payload, "keyfile_sha256": written})
            if extra is not None:
                extra(tx)
    except BaseException:
        pending.unlink(missing_ok=True)
        raise
    keyfile.apply_pending(path, written)
    return keyfile.load_keyfile(path)


def check_register_present(db_path: Path) -> None:
    """A clear refusal when there is no register at ``db_path`` (or only half of one); an
    ``init`` stopped between its last two steps is completed here."""
    keys_path = keyfile_path(db_path)
    if not db_path.exists():
        if keys_path.exists():
            raise ServiceError("store.half_created", path=str(db_path), keys=str(keys_path))
        raise ServiceError("service.no_register", path=str(db_path))
    finish_interrupted_init(db_path, keys_path)
    if not keys_path.exists():
        raise ServiceError("store.database_without_keys", path=str(db_path), keys=str(keys_path))


def is_demo(session: Session) -> bool:
    return session.register.meta("demo") == "1"


def opens_as_demo(db_path: Path) -> bool:
    """True if the register at ``db_path`` is a demo: it opens with the demo login and says so.

    The demo's passphrase is public, so trying it reveals nothing; any other register refuses.
    """
    try:
        with open_session(db_path, user="demo", passphrase=DEMO_PASSPHRASE) as session:
            return is_demo(session)
    except keyfile.WrongCredentials:
        return False


@dataclass(frozen=True)
class UserSlot:
    user: str
    role: str
    created: str


def membership(session: Session) -> Membership:
    with session.read() as connection:
        return trust.membership(connection)


def list_users(session: Session) -> list[UserSlot]:
    """The users the log gives (their roles from the log), in key-file order."""
    state = membership(session)
    loaded = keyfile.load_keyfile(keyfile_path(session.db_path))
    users = []
    for slot in loaded.all_slots():
        if slot.kind == "user" and slot.user is not None and state.active(slot.user):
            users.append(UserSlot(slot.user, state.role(slot.user) or "", slot.created))
    return users


def _unlocked_for(session: Session, passphrase: str) -> keyfile.Unlocked:
    """Re-derive the caller's keys from their passphrase for a key-file change."""
    unlocked = keyfile.unlock(keyfile_path(session.db_path), session.actor.user, passphrase)
    if unlocked.identity is None or unlocked.upgraded is not None:
        unlocked.wipe()
        raise keyfile.WrongCredentials()
    return unlocked


def _check_new_user(user: str, role: str) -> str:
    """``user`` as stored (NFC) once the name and ``role`` are valid."""
    if role not in keyfile.ROLES:
        raise ServiceError("service.unknown_role", role=role)
    user = keyfile.validate_user_name(user)
    violation = check_free_text(user, "user")
    if violation:
        raise RuleError([violation])
    return user


def add_user(
    session: Session, *, passphrase: str, user: str, role: str, new_passphrase: str
) -> None:
    """A coordinator gives a new user key pairs and a slot; the log records them, signed."""
    session.require_role(ROLE_COORDINATOR)
    user = _check_new_user(user, role)
    check_new_passphrase(new_passphrase)
    unlocked = _unlocked_for(session, passphrase)
    try:
        if membership(session).active(user) is not None:
            raise keyfile.SlotExists(user)
        authority = session.authority if role == ROLE_COORDINATOR else None

        def change(current: KeyFile) -> tuple[KeyFile, dict[str, Any]]:
            new, identity = keyfile.with_user(
                current, unlocked.data_key, user, new_passphrase, authority
            )
            return new, {"user": user, "role": role, **_identity_payload(identity)}

        change_keyfile(session, USER_ADDED, change)
    finally:
        unlocked.wipe()


def change_role(session: Session, *, passphrase: str, user: str, role: str) -> None:
    """A coordinator changes a user's role: a signed ``role_changed`` event; the register
    authority is wrapped to the user when she becomes a coordinator, taken away otherwise."""
    session.require_role(ROLE_COORDINATOR)
    user = _check_new_user(user, role)
    unlocked = _unlocked_for(session, passphrase)
    unlocked.wipe()
    state = membership(session)
    member = state.active(user)
    if member is None:
        raise keyfile.SlotNotFound(user)
    if member.role == role:
        return
    if member.role == ROLE_COORDINATOR and state.coordinators() == [user]:
        raise keyfile.LastCoordinator(user)
    coordinators = set(state.coordinators()) - {user}
    if role == ROLE_COORDINATOR:
        coordinators.add(user)

    def change(current: KeyFile) -> tuple[KeyFile, dict[str, Any]]:
        new = keyfile.with_authority(current, coordinators, session.authority)
        return new, {"user": user, "role": role, "previous": member.role}

    change_keyfile(session, ROLE_CHANGED, change)
    if member.role == ROLE_COORDINATOR:
        rotate_authority(session)  # she held the authority: it must change hands


def remove_user(session: Session, *, passphrase: str, user: str) -> None:
    """A coordinator removes a user's slot; the log records it, signed. This alone revokes
    nothing the user may have copied: rekey (tracker.services.rekey) does."""
    session.require_role(ROLE_COORDINATOR)
    user = unicodedata.normalize("NFC", user)
    unlocked = _unlocked_for(session, passphrase)
    unlocked.wipe()
    state = membership(session)
    member = state.active(user)
    if member is None:
        raise keyfile.SlotNotFound(user)
    if member.role == ROLE_COORDINATOR and state.coordinators() == [user]:
        raise keyfile.LastCoordinator(user)

    def change(current: KeyFile) -> tuple[KeyFile, dict[str, Any]]:
        return keyfile.without_user(current, user), {"user": user}

    change_keyfile(session, USER_REMOVED, change)
    if member.role == ROLE_COORDINATOR:
        rotate_authority(session)  # she held the authority: it must change hands


def change_passphrase(session: Session, *, passphrase: str, new_passphrase: str) -> None:
    check_new_passphrase(new_passphrase)
    unlocked = _unlocked_for(session, passphrase)
    try:

        def change(current: KeyFile) -> tuple[KeyFile, dict[str, Any]]:
            return keyfile.with_passphrase(current, unlocked, new_passphrase), {
                "user": session.actor.user
            }

        change_keyfile(session, PASSPHRASE_CHANGED, change)
    finally:
        unlocked.wipe()


def recover(
    db_path: Path,
    *,
    recovery_key: str,
    user: str,
    new_passphrase: str,
    today: Callable[[], date] = date.today,
) -> None:
    """Give ``user`` new key pairs and a new passphrase with the recovery key; the event is
    signed by the recovery key (its public half is in the log)."""
    check_register_present(db_path)
    check_new_passphrase(new_passphrase)
    keys_path = keyfile_path(db_path)
    unlocked = keyfile.unlock_with_recovery(keys_path, recovery_key)
    try:
        register = Register.open(db_path, unlocked.data_key, unlocked.keyfile.database_id)
        session = Session(register, Actor(user, ""), db_path, today)
        with session:
            _settle(register, keys_path)
            with register.read() as connection:
                state = trust.membership(connection)
            check_backed(state, keyfile.load_keyfile(keys_path), unlocked)
            role = state.role(user)
            if role is None:
                raise ServiceError("service.unknown_user", user=user)
            session.actor = Actor(user, role)
            authority = unlocked.authority if role == ROLE_COORDINATOR else None
            identity = keyfile.Identity.generate()
            # A version 2 recovery slot signs; a legacy one cannot (stated in security.md).
            session.signer = unlocked.identity.ed25519 if unlocked.identity else identity.ed25519

            def change(current: KeyFile) -> tuple[KeyFile, dict[str, Any]]:
                new, _ = keyfile.with_user(
                    current,
                    unlocked.data_key,
                    user,
                    new_passphrase,
                    authority,
                    replacing=current.find_user(user) is not None,
                    identity=identity,
                )
                return new, {"user": user, **_identity_payload(identity)}

            change_keyfile(session, PASSPHRASE_RECOVERED, change)
    finally:
        unlocked.wipe()


def public_key(session: Session) -> signing.PublicKey:
    """The register authority's public key: what reviewers pin (``tracker key public``)."""
    state = membership(session)
    if state.authority is not None:
        return signing.PublicKey(state.authority)
    with session.read() as connection:
        legacy = signing.legacy_public_key(connection)
    if legacy is None:
        raise ServiceError("service.no_authority")
    return legacy


def authority_rotations(session: Session) -> list[dict[str, str]]:
    """Every hand-over of the register authority, oldest first (carried in bundles so a
    reviewer's pin of an earlier authority follows to the current one)."""
    return membership(session).rotations


def authority_at(session: Session, seq: int) -> str | None:
    """The register authority's public key (base64) as of event ``seq``: the legacy in-database
    signing key for a register upgraded later."""
    with session.read() as connection:
        state = trust.membership(connection, up_to_seq=seq)
        if state.authority is not None:
            return _b64(state.authority)
        legacy = signing.legacy_public_key(connection)
    return legacy.base64 if legacy is not None else None


def add_insatser(session: Session, names: Sequence[str]) -> None:
    """A coordinator adds insatser (teams) to the register."""
    session.require_role(ROLE_COORDINATOR)
    checked = _check_names(names)
    with session.transaction() as tx:
        _add_insatser(tx, checked)
