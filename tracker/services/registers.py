"""Registers and keys: create a register, log in, manage users' key slots, recover."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from tracker import __version__
from tracker.domain.case import RuleError, Violation
from tracker.domain.codelists import DEFAULT_CODE_LISTS, DEFAULT_LADDER
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
from tracker.store import keyfile, signing
from tracker.store.database import Register, creating, new_database_id
from tracker.store.keyfile import keyfile_path
from tracker.store.projections import CODE_LIST_SET, INSATS_ADDED, REGISTER_CREATED

MIN_PASSPHRASE_LENGTH = 10
DEMO_PASSPHRASE = "demo"

USER_ADDED = "user_added"
USER_REMOVED = "user_removed"
PASSPHRASE_CHANGED = "passphrase_changed"
PASSPHRASE_RECOVERED = "passphrase_recovered"
SIGNING_KEY_CREATED = "signing_key_created"


def check_new_passphrase(passphrase: str) -> None:
    """Refuse passphrases too short to resist guessing (a strength hint is the UI's job)."""
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise ServiceError("service.passphrase_too_short", minimum=MIN_PASSPHRASE_LENGTH)


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

    The first user is a coordinator. The database is built in a temporary file and appears
    at ``db_path`` only when complete. ``forbund``: the förbund's name for the reports, if
    given (the same setting and event as ``tracker forbund set``).
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
    if db_path.exists() or keys_path.exists():
        raise ServiceError("service.register_exists", path=str(db_path))
    database_id = new_database_id()
    data_key = keyfile.new_data_key()
    try:
        with creating(db_path, data_key, database_id) as register:
            session = Session(register, Actor(user, ROLE_COORDINATOR), db_path, today)
            with session.transaction() as tx:
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
                tx.append(USER_ADDED, {"user": user, "role": ROLE_COORDINATOR})
                private_raw, public = signing.generate()
                event = tx.append(
                    SIGNING_KEY_CREATED,
                    {"public_key": public.base64, "fingerprint": public.fingerprint},
                )
                signing.store(tx.connection, private_raw, public, event.seq)
            if demo:
                register.write_meta("demo", "1")
            # The key file is written last inside the block: if it fails, no database appears.
            return keyfile.create_keyfile(
                keys_path, database_id, data_key, user, ROLE_COORDINATOR, passphrase
            )
    finally:
        data_key[:] = bytes(len(data_key))


def _open(db_path: Path, unlocked: keyfile.Unlocked) -> Register:
    try:
        return Register.open(db_path, unlocked.data_key, unlocked.keyfile.database_id)
    finally:
        unlocked.wipe()


def open_session(
    db_path: Path, *, user: str, passphrase: str, today: Callable[[], date] = date.today
) -> Session:
    """Log in: unlock the user's key slot and open the register."""
    if not db_path.exists():
        raise ServiceError("service.no_register", path=str(db_path))
    # The name as stored (NFC); a name that could never be valid simply finds no slot.
    user = unicodedata.normalize("NFC", user)
    unlocked = keyfile.unlock(keyfile_path(db_path), user, passphrase)
    role = unlocked.role or ""
    return Session(_open(db_path, unlocked), Actor(user, role), db_path, today)


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


def list_users(session: Session) -> list[UserSlot]:
    loaded = keyfile.load_keyfile(keyfile_path(session.db_path))
    return [UserSlot(*entry) for entry in loaded.users()]


def _unlocked_for(session: Session, passphrase: str) -> keyfile.Unlocked:
    """Re-derive the caller's key from their passphrase for a key-file change."""
    return keyfile.unlock(keyfile_path(session.db_path), session.actor.user, passphrase)


def add_user(
    session: Session, *, passphrase: str, user: str, role: str, new_passphrase: str
) -> None:
    """A coordinator gives a new user a key slot. Logged in the event log."""
    session.require_role(ROLE_COORDINATOR)
    if role not in keyfile.ROLES:
        raise ServiceError("service.unknown_role", role=role)
    user = keyfile.validate_user_name(user)
    check_new_passphrase(new_passphrase)
    violation = check_free_text(user, "user")
    if violation:
        raise RuleError([violation])
    unlocked = _unlocked_for(session, passphrase)
    try:
        with session.transaction() as tx:
            tx.append(USER_ADDED, {"user": user, "role": role})
            keyfile.add_slot(keyfile_path(session.db_path), unlocked, user, role, new_passphrase)
    finally:
        unlocked.wipe()


def remove_user(session: Session, *, passphrase: str, user: str) -> None:
    session.require_role(ROLE_COORDINATOR)
    user = unicodedata.normalize("NFC", user)
    unlocked = _unlocked_for(session, passphrase)
    try:
        with session.transaction() as tx:
            tx.append(USER_REMOVED, {"user": user})
            keyfile.remove_slot(keyfile_path(session.db_path), unlocked, user)
    finally:
        unlocked.wipe()


def change_passphrase(session: Session, *, passphrase: str, new_passphrase: str) -> None:
    check_new_passphrase(new_passphrase)
    unlocked = _unlocked_for(session, passphrase)
    try:
        with session.transaction() as tx:
            tx.append(PASSPHRASE_CHANGED, {"user": session.actor.user})
            keyfile.change_passphrase(
                keyfile_path(session.db_path), unlocked, session.actor.user, new_passphrase
            )
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
    """Set a new passphrase for ``user`` with the recovery key. Logged in the event log."""
    if not db_path.exists():
        raise ServiceError("service.no_register", path=str(db_path))
    check_new_passphrase(new_passphrase)
    keys_path = keyfile_path(db_path)
    unlocked = keyfile.unlock_with_recovery(keys_path, recovery_key)
    try:
        roles = {name: role for name, role, _created in unlocked.keyfile.users()}
        if user not in roles:
            raise ServiceError("service.unknown_user", user=user)
        register = Register.open(db_path, unlocked.data_key, unlocked.keyfile.database_id)
        session = Session(register, Actor(user, roles[user]), db_path, today)
        with session, session.transaction() as tx:
            tx.append(PASSPHRASE_RECOVERED, {"user": user})
            keyfile.change_passphrase(keys_path, unlocked, user, new_passphrase)
    finally:
        unlocked.wipe()


def public_key(session: Session) -> signing.PublicKey:
    with session.read() as connection:
        return signing.public_key(connection)


def add_insatser(session: Session, names: Sequence[str]) -> None:
    """A coordinator adds insatser (teams) to the register."""
    session.require_role(ROLE_COORDINATOR)
    checked = _check_names(names)
    with session.transaction() as tx:
        _add_insatser(tx, checked)
