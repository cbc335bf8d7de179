"""The key file beside the database: the data key, wrapped once per user and once for recovery.

The register is encrypted with one random 256-bit *data key*. It never touches the disk in clear.
Instead ``<db>.keys`` holds *slots*: for each user the data key is encrypted (AES-256-GCM) under a
key-encryption key (KEK) derived from that user's passphrase with Argon2id, and one extra slot is
wrapped the same way under a generated recovery key. The slot's metadata (database id, slot id,
kind, user, role, KDF parameters and salt) is the AES-GCM associated data, so editing any of it
breaks that slot. An HMAC over the whole file, keyed from the data key, catches edits to the other
slots and to the slot list (added, removed or copied slots) as soon as anybody unlocks.

Roles are stored here so they are bound to the key, but they are not a cryptographic boundary:
whoever opens any slot holds the data key and can read everything. See docs/security.md.

Secrets (passphrases, KEKs, the data key) never appear in exception messages, reprs or logs.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from tracker.i18n import t
from tracker.store.atomic import write_atomic

FORMAT = "tracker.keys/1"
ROLES = ("staff", "coordinator", "reviewer")
KINDS = ("user", "recovery")

DATA_KEY_BYTES = 32
SALT_BYTES = 16
NONCE_BYTES = 12
RECOVERY_KEY_BYTES = 16
_WRAPPED_BYTES = DATA_KEY_BYTES + 16  # ciphertext plus the GCM tag
_MAC_BYTES = 32
_MAC_INFO = b"tracker keyfile mac"
# A key file is a few kilobytes; refusing anything much bigger keeps a damaged or hostile file
# from exhausting memory before we even look at it.
_MAX_FILE_BYTES = 1024 * 1024

_USER_RE = re.compile(r"[a-z0-9åäöé._-]{1,32}")
_DATABASE_ID_RE = re.compile(r"[0-9a-f]{32}")
_SLOT_ID_RE = re.compile(r"[0-9a-f]{8,64}")


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost: ``memory_cost`` in KiB, ``iterations`` passes, ``lanes`` parallelism."""

    memory_cost: int
    iterations: int
    lanes: int

    def at_least(self, other: KdfParams) -> bool:
        """True if every dimension is at least as costly as ``other``'s."""
        return (
            self.memory_cost >= other.memory_cost
            and self.iterations >= other.iterations
            and self.lanes >= other.lanes
        )


# Parameters for new slots: 256 MiB, 3 passes, 4 lanes (about 0.5-0.8 s on a current laptop).
# Both constants are read at call time, never bound as default arguments, so tests can replace
# them module-wide with cheap values.
DEFAULT_KDF = KdfParams(memory_cost=262144, iterations=3, lanes=4)
# Never create or open a slot cheaper than this (64 MiB, 2 passes, 1 lane): a key file edited to
# weak parameters must not make passphrases cheap to guess.
KDF_FLOOR = KdfParams(memory_cost=65536, iterations=2, lanes=1)
# Refuse absurd costs in a (possibly hostile) file instead of trying to allocate them.
_KDF_CEILING = KdfParams(memory_cost=4 * 1024 * 1024, iterations=100, lanes=64)

# Recovery key: 8 groups, each a 16-bit value times 11, written as 6 digits (BitLocker style).
_RECOVERY_GROUPS = RECOVERY_KEY_BYTES // 2
_RECOVERY_FACTOR = 11
_RECOVERY_LIMIT = 65536 * _RECOVERY_FACTOR  # 720896: every valid group is below this
_RECOVERY_SEPARATORS = re.compile(r"[\s\-\u2010\u2011\u2012\u2013\u2014\u2212]+")


# --- errors ------------------------------------------------------------------------------------


class KeyFileError(Exception):
    """Base of every key-file error; ``key`` and ``params`` give the user-facing message."""

    key: str = "keyfile.error"

    def __init__(self, **params: object) -> None:
        # Only public facts go into params (paths, user names, group numbers): never a secret.
        self.params: dict[str, object] = params
        super().__init__(self.key, params)

    def message(self, lang: str | None = None) -> str:
        """The message for the user in ``lang`` (default: the chosen language)."""
        return t(self.key, lang, **self.params)

    def __str__(self) -> str:
        return self.message()


class WrongCredentials(KeyFileError):
    """Unknown user or wrong passphrase; deliberately one error so neither can be probed."""

    key = "keyfile.wrong_credentials"

    def __init__(self) -> None:
        super().__init__()


class KeyFileMissing(KeyFileError):
    key = "keyfile.missing"

    def __init__(self, path: Path) -> None:
        super().__init__(path=str(path))


class KeyFileExists(KeyFileError):
    key = "keyfile.exists"

    def __init__(self, path: Path) -> None:
        super().__init__(path=str(path))


class KeyFileCorrupt(KeyFileError):
    """Not JSON, wrong format, or wrong types. ``detail`` is an English note for developers."""

    key = "keyfile.corrupt"

    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(path=str(path))
        self.detail = detail


class KeyFileTampered(KeyFileError):
    """The file was edited: the MAC does not match, or a slot's role was changed."""

    key = "keyfile.tampered"

    def __init__(self, path: Path, user: str | None = None) -> None:
        if user is None:
            super().__init__(path=str(path))
        else:
            self.key = "keyfile.tampered_slot"
            super().__init__(path=str(path), user=user)


class WeakKdfError(KeyFileError):
    key = "keyfile.weak_kdf"

    def __init__(self, params: KdfParams, floor: KdfParams) -> None:
        super().__init__(
            memory_cost=params.memory_cost,
            iterations=params.iterations,
            lanes=params.lanes,
            floor_memory_cost=floor.memory_cost,
            floor_iterations=floor.iterations,
            floor_lanes=floor.lanes,
        )


class InvalidRecoveryKey(KeyFileError):
    """A recovery key that is mistyped (``group`` = 1-based bad group), too short/long, or wrong.

    ``group`` is None when no single group can be blamed: the key has the wrong number of digits
    (``mismatch`` False) or is well formed but does not open this key file (``mismatch`` True).
    """

    key = "keyfile.recovery_key_length"

    def __init__(self, group: int | None = None, *, mismatch: bool = False) -> None:
        self.group = group
        if group is not None:
            self.key = "keyfile.recovery_group_invalid"
            super().__init__(group=group)
        else:
            if mismatch:
                self.key = "keyfile.recovery_key_wrong"
            super().__init__()


class SlotExists(KeyFileError):
    key = "keyfile.slot_exists"

    def __init__(self, user: str) -> None:
        super().__init__(user=user)


class SlotNotFound(KeyFileError):
    key = "keyfile.slot_not_found"

    def __init__(self, user: str) -> None:
        super().__init__(user=user)


class LastCoordinator(KeyFileError):
    key = "keyfile.last_coordinator"

    def __init__(self, user: str) -> None:
        super().__init__(user=user)


class InvalidUserName(KeyFileError):
    key = "keyfile.invalid_user_name"

    def __init__(self, user: str) -> None:
        super().__init__(user=user)


class InvalidRole(KeyFileError):
    key = "keyfile.invalid_role"

    def __init__(self, role: str) -> None:
        super().__init__(role=role, roles=", ".join(ROLES))


class EmptyPassphrase(KeyFileError):
    key = "keyfile.empty_passphrase"

    def __init__(self) -> None:
        super().__init__()


# --- data model ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """One wrapped copy of the data key. Salt, nonce and ciphertext are not secret, only noisy."""

    id: str
    kind: str
    user: str | None
    role: str | None
    created: str
    kdf: KdfParams
    salt: bytes = field(repr=False)
    nonce: bytes = field(repr=False)
    wrapped_key: bytes = field(repr=False)

    def kdf_json(self) -> dict[str, Any]:
        return {
            "name": "argon2id",
            "salt": _b64(self.salt),
            "memory_cost": self.kdf.memory_cost,
            "iterations": self.kdf.iterations,
            "lanes": self.kdf.lanes,
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "user": self.user,
            "role": self.role,
            "created": self.created,
            "kdf": self.kdf_json(),
            "nonce": _b64(self.nonce),
            "wrapped_key": _b64(self.wrapped_key),
        }


@dataclass(frozen=True)
class KeyFile:
    """A parsed key file. Loading needs no secret; nothing in it is trusted until the MAC checks."""

    path: Path
    database_id: str
    created: str
    slots: tuple[Slot, ...]
    mac: bytes = field(repr=False)

    def users(self) -> list[tuple[str, str, str]]:
        """(user, role, created) of every user slot, in file order; works without unlocking."""
        return [
            (slot.user, slot.role, slot.created)
            for slot in self.slots
            if slot.kind == "user" and slot.user is not None and slot.role is not None
        ]

    def find_user(self, user: str) -> Slot | None:
        return next((s for s in self.slots if s.kind == "user" and s.user == user), None)

    def recovery_slot(self) -> Slot:
        # load_keyfile guarantees exactly one.
        return next(s for s in self.slots if s.kind == "recovery")

    def body(self) -> dict[str, Any]:
        """Everything the MAC covers: the whole document except ``mac``."""
        return {
            "format": FORMAT,
            "database_id": self.database_id,
            "created": self.created,
            "slots": [slot.to_json() for slot in self.slots],
        }

    def to_json(self) -> dict[str, Any]:
        return {**self.body(), "mac": _b64(self.mac)}


@dataclass(repr=False, eq=False)
class Unlocked:
    """The data key of an opened key file, with who opened it (None for the recovery key).

    ``data_key`` is a bytearray so :meth:`wipe` can zero it in place when the caller is done.
    Equality is identity: comparing keys byte by byte would be a timing side channel for nothing.
    """

    data_key: bytearray
    user: str | None
    role: str | None
    keyfile: KeyFile

    def wipe(self) -> None:
        """Overwrite the data key with zeros (as far as Python lets us; copies may remain)."""
        _wipe(self.data_key)

    def __enter__(self) -> Unlocked:
        return self

    def __exit__(self, *exc: object) -> None:
        self.wipe()

    def __repr__(self) -> str:
        return (
            f"Unlocked(user={self.user!r}, role={self.role!r}, "
            f"database_id={self.keyfile.database_id!r}, data_key=<hidden>)"
        )


# --- public API --------------------------------------------------------------------------------


def keyfile_path(db_path: Path) -> Path:
    """The key file that belongs to ``db_path``: the same name with ``.keys`` appended."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + ".keys")


def new_data_key() -> bytearray:
    """A fresh random 256-bit data key."""
    return bytearray(secrets.token_bytes(DATA_KEY_BYTES))


def validate_user_name(user: str) -> str:
    """``user`` in Unicode NFC if it is 1-32 of a-z å ä ö é 0-9 . _ -; else
    :class:`InvalidUserName`. NFC, so "åsa" typed as a + ring (as some keyboards send it) is the
    same name as the one-character å: store and look up the returned form."""
    if not isinstance(user, str):
        raise InvalidUserName(str(user))
    composed = unicodedata.normalize("NFC", user)
    if not _USER_RE.fullmatch(composed):
        raise InvalidUserName(user)
    return composed


def validate_role(role: str) -> str:
    if role not in ROLES:
        raise InvalidRole(str(role))
    return role


def create_keyfile(
    path: Path,
    database_id: str,
    data_key: bytes | bytearray,
    user: str,
    role: str,
    passphrase: str,
) -> str:
    """Write a new key file with ``user``'s slot and a recovery slot; return the recovery key.

    The recovery key is returned formatted for display; it is not stored anywhere, so the caller
    must show it exactly once. An existing file is never overwritten.
    """
    path = Path(path)
    if not isinstance(database_id, str) or not _DATABASE_ID_RE.fullmatch(database_id):
        raise ValueError("database_id must be 32 lower-case hex characters")
    _check_data_key(data_key)
    validate_user_name(user)
    validate_role(role)
    secret = _passphrase_bytes(passphrase)
    if path.exists():
        raise KeyFileExists(path)
    _check_floor(DEFAULT_KDF)

    recovery_raw, recovery_text = generate_recovery_key()
    now = _now()
    slots = (
        _wrap_slot(database_id, "user", user, role, secret, data_key, created=now),
        _wrap_slot(database_id, "recovery", None, None, recovery_raw, data_key, created=now),
    )
    keyfile = KeyFile(path, database_id, now, slots, mac=b"")
    _write(keyfile, data_key)
    return recovery_text


def load_keyfile(path: Path) -> KeyFile:
    """Parse and structurally validate ``path``. No secret needed, so nothing is verified yet."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            raw = fh.read(_MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise KeyFileMissing(path) from None
    except IsADirectoryError:
        raise KeyFileCorrupt(path, "is a directory") from None
    if len(raw) > _MAX_FILE_BYTES:
        raise KeyFileCorrupt(path, "file too large")
    try:
        doc = json.loads(
            raw.decode("utf-8"),
            object_pairs_hook=_no_duplicate_keys,
            parse_constant=_reject_constant,
        )
    except (UnicodeDecodeError, ValueError) as exc:
        raise KeyFileCorrupt(path, f"not valid JSON: {exc}") from None
    return _parse(path, doc)


def unlock(path: Path, user: str, passphrase: str) -> Unlocked:
    """Open ``user``'s slot with ``passphrase`` and verify the whole file.

    Raises :class:`WrongCredentials` for an unknown user and for a wrong passphrase alike (and
    spends the same Argon2id work on both), :class:`WeakKdfError` for a slot below the floor and
    :class:`KeyFileTampered` if the slot's role or any other part of the file was edited.
    Nothing is ever written.
    """
    keyfile = load_keyfile(path)
    secret = _passphrase_bytes(passphrase, allow_empty=True)
    slot = keyfile.find_user(user) if isinstance(user, str) else None
    if slot is None:
        # Same cost as a real attempt, so timing does not reveal which user names exist.
        _dummy_derive(secret)
        raise WrongCredentials()
    data_key = _unwrap(keyfile, slot, secret)
    if data_key is None:
        raise WrongCredentials()
    return _verified(keyfile, data_key, slot.user, slot.role)


def unlock_with_recovery(path: Path, recovery_key: str) -> Unlocked:
    """Open the recovery slot. The result has ``user`` and ``role`` None.

    A mistyped key raises :class:`InvalidRecoveryKey` naming the bad group before any key
    derivation; a well-formed key that does not fit raises it with ``mismatch`` set.
    """
    raw = parse_recovery_key(recovery_key)
    keyfile = load_keyfile(path)
    data_key = _unwrap(keyfile, keyfile.recovery_slot(), raw)
    if data_key is None:
        raise InvalidRecoveryKey(mismatch=True)
    return _verified(keyfile, data_key, None, None)


def add_slot(path: Path, unlocked: Unlocked, user: str, role: str, passphrase: str) -> None:
    """Give ``user`` (new) access with ``role`` and ``passphrase``."""
    validate_user_name(user)
    validate_role(role)
    secret = _passphrase_bytes(passphrase)

    def change(keyfile: KeyFile) -> tuple[Slot, ...]:
        if keyfile.find_user(user) is not None:
            raise SlotExists(user)
        slot = _wrap_slot(keyfile.database_id, "user", user, role, secret, unlocked.data_key)
        return (*keyfile.slots, slot)

    _modify(path, unlocked, change)


def remove_slot(path: Path, unlocked: Unlocked, user: str) -> None:
    """Remove ``user``'s slot. Refuses to remove the last coordinator.

    This does not revoke a data key the user may already have copied; only ``tracker rekey``
    (a new data key) does that.
    """

    def change(keyfile: KeyFile) -> tuple[Slot, ...]:
        slot = keyfile.find_user(user)
        if slot is None:
            raise SlotNotFound(user)
        coordinators = [s for s in keyfile.slots if s.kind == "user" and s.role == "coordinator"]
        if slot.role == "coordinator" and len(coordinators) == 1:
            raise LastCoordinator(user)
        return tuple(s for s in keyfile.slots if s is not slot)

    _modify(path, unlocked, change)


def change_passphrase(path: Path, unlocked: Unlocked, user: str, new_passphrase: str) -> None:
    """Rewrap ``user``'s slot under ``new_passphrase`` with a fresh salt and nonce.

    The slot keeps its id, role and creation time; its KDF parameters move to the current
    defaults. Used both by ``tracker key passwd`` and, after a recovery unlock, by
    ``tracker recover``.
    """
    secret = _passphrase_bytes(new_passphrase)

    def change(keyfile: KeyFile) -> tuple[Slot, ...]:
        old = keyfile.find_user(user)
        if old is None:
            raise SlotNotFound(user)
        new = _wrap_slot(
            keyfile.database_id,
            "user",
            old.user,
            old.role,
            secret,
            unlocked.data_key,
            slot_id=old.id,
            created=old.created,
        )
        return tuple(new if s is old else s for s in keyfile.slots)

    _modify(path, unlocked, change)


# --- recovery key ------------------------------------------------------------------------------


def generate_recovery_key() -> tuple[bytes, str]:
    """128 random bits and their display form (8 groups of 6 digits joined by ``-``)."""
    raw = secrets.token_bytes(RECOVERY_KEY_BYTES)
    return raw, format_recovery_key(raw)


def format_recovery_key(raw: bytes) -> str:
    """Show 16 bytes as 8 groups, each a big-endian 16-bit value times 11, zero-padded to 6."""
    if len(raw) != RECOVERY_KEY_BYTES:
        raise ValueError("a recovery key is 16 bytes")
    groups = (
        int.from_bytes(raw[i : i + 2], "big") * _RECOVERY_FACTOR
        for i in range(0, RECOVERY_KEY_BYTES, 2)
    )
    return "-".join(f"{value:06d}" for value in groups)


def recovery_group_ok(group: str) -> bool:
    """True if ``group`` is 6 ASCII digits forming a multiple of 11 below 720896.

    Changing any single digit, or swapping two neighbouring different digits, changes the value
    by an amount not divisible by 11, so such typos are always caught within the group.
    """
    if len(group) != 6 or not all("0" <= ch <= "9" for ch in group):
        return False
    value = int(group)
    return value % _RECOVERY_FACTOR == 0 and value < _RECOVERY_LIMIT


def parse_recovery_key(text: str) -> bytes:
    """The 16 bytes behind a typed recovery key; groups may be split by dashes, spaces or nothing.

    Raises :class:`InvalidRecoveryKey` naming the first group that is not valid, or without a
    group if the groups are all valid but there are not exactly eight.
    """
    pieces = [p for p in _RECOVERY_SEPARATORS.split(text.strip()) if p]
    if len(pieces) != _RECOVERY_GROUPS:
        # Typed without (or with odd) separators: cut the digits into groups of six.
        joined = "".join(pieces)
        pieces = [joined[i : i + 6] for i in range(0, len(joined), 6)]
    for number, piece in enumerate(pieces[:_RECOVERY_GROUPS], start=1):
        if not recovery_group_ok(piece):
            raise InvalidRecoveryKey(group=number)
    if len(pieces) != _RECOVERY_GROUPS:
        raise InvalidRecoveryKey()
    return b"".join((int(p) // _RECOVERY_FACTOR).to_bytes(2, "big") for p in pieces)


# --- internals ---------------------------------------------------------------------------------


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _canonical(obj: object) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _wipe(buf: bytearray) -> None:
    buf[:] = bytes(len(buf))


def _check_data_key(data_key: bytes | bytearray) -> None:
    if not isinstance(data_key, bytes | bytearray) or len(data_key) != DATA_KEY_BYTES:
        raise ValueError("the data key must be 32 bytes")


def _passphrase_bytes(passphrase: str, *, allow_empty: bool = False) -> bytes:
    # NFC: the same passphrase typed on a Mac (decomposed å) and on Windows (composed å) must
    # derive the same key.
    if not isinstance(passphrase, str):
        raise TypeError("passphrase must be a str")
    if not passphrase and not allow_empty:
        raise EmptyPassphrase()
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def _check_floor(params: KdfParams) -> None:
    floor = KDF_FLOOR  # read now, not at import, so tests can lower it
    if not params.at_least(floor):
        raise WeakKdfError(params, floor)


def _derive_kek(secret: bytes, salt: bytes, params: KdfParams) -> bytearray:
    """Argon2id straight into a bytearray so the KEK can be zeroed after use."""
    kek = bytearray(32)
    Argon2id(
        salt=salt,
        length=32,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_cost,
    ).derive_into(secret, kek)
    return kek


def _dummy_derive(secret: bytes) -> None:
    kek = _derive_kek(secret, secrets.token_bytes(SALT_BYTES), DEFAULT_KDF)
    _wipe(kek)


def _associated_data(database_id: str, slot: Slot) -> bytes:
    """What a slot's ciphertext is bound to: editing any of it makes the unwrap fail."""
    return _canonical(
        {
            "format": FORMAT,
            "database_id": database_id,
            "id": slot.id,
            "kind": slot.kind,
            "user": slot.user,
            "role": slot.role,
            "kdf": slot.kdf_json(),
        }
    )


def _wrap_slot(
    database_id: str,
    kind: str,
    user: str | None,
    role: str | None,
    secret: bytes,
    data_key: bytes | bytearray,
    *,
    slot_id: str | None = None,
    created: str | None = None,
) -> Slot:
    """A new slot wrapping ``data_key`` under ``secret`` with fresh salt and nonce."""
    params = DEFAULT_KDF
    _check_floor(params)
    slot = Slot(
        id=slot_id or secrets.token_hex(8),
        kind=kind,
        user=user,
        role=role,
        created=created or _now(),
        kdf=params,
        salt=secrets.token_bytes(SALT_BYTES),
        nonce=secrets.token_bytes(NONCE_BYTES),
        wrapped_key=b"",
    )
    kek = _derive_kek(secret, slot.salt, params)
    try:
        wrapped = AESGCM(kek).encrypt(slot.nonce, data_key, _associated_data(database_id, slot))
    finally:
        _wipe(kek)
    return replace(slot, wrapped_key=wrapped)


def _unwrap(keyfile: KeyFile, slot: Slot, secret: bytes) -> bytearray | None:
    """The data key from ``slot``, or None if ``secret`` does not open it.

    If the stated role fails but another role opens the slot, the secret was right and the role
    was edited in the file: that is tampering, not a wrong passphrase.
    """
    _check_floor(slot.kdf)
    kek = _derive_kek(secret, slot.salt, slot.kdf)
    data_key = bytearray(DATA_KEY_BYTES)
    try:
        aead = AESGCM(kek)
        if _try_decrypt(aead, keyfile.database_id, slot, data_key):
            return data_key
        if slot.kind == "user":
            for role in ROLES:
                if role != slot.role and _try_decrypt(
                    aead, keyfile.database_id, replace(slot, role=role), data_key
                ):
                    _wipe(data_key)
                    raise KeyFileTampered(keyfile.path, user=slot.user)
        return None
    finally:
        _wipe(kek)


def _try_decrypt(aead: AESGCM, database_id: str, slot: Slot, out: bytearray) -> bool:
    try:
        aead.decrypt_into(slot.nonce, slot.wrapped_key, _associated_data(database_id, slot), out)
    except InvalidTag:
        _wipe(out)  # do not leave unauthenticated plaintext lying around
        return False
    return True


def _mac_key(data_key: bytes | bytearray) -> bytearray:
    # A separate key for the MAC (HKDF with its own label), so the data key itself is only ever
    # used by SQLCipher.
    mac_key = bytearray(32)
    HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_MAC_INFO).derive_into(
        data_key, mac_key
    )
    return mac_key


def _mac(keyfile: KeyFile, data_key: bytes | bytearray) -> bytes:
    mac_key = _mac_key(data_key)
    try:
        h = hmac.HMAC(mac_key, hashes.SHA256())
        h.update(_canonical(keyfile.body()))
        return h.finalize()
    finally:
        _wipe(mac_key)


def _verify_mac(keyfile: KeyFile, data_key: bytes | bytearray) -> None:
    mac_key = _mac_key(data_key)
    try:
        h = hmac.HMAC(mac_key, hashes.SHA256())
        h.update(_canonical(keyfile.body()))
        h.verify(keyfile.mac)  # constant-time comparison
    except InvalidSignature:
        raise KeyFileTampered(keyfile.path) from None
    finally:
        _wipe(mac_key)


def _verified(
    keyfile: KeyFile, data_key: bytearray, user: str | None, role: str | None
) -> Unlocked:
    try:
        _verify_mac(keyfile, data_key)
    except KeyFileTampered:
        _wipe(data_key)
        raise
    return Unlocked(data_key=data_key, user=user, role=role, keyfile=keyfile)


def _write(keyfile: KeyFile, data_key: bytes | bytearray) -> KeyFile:
    """Seal ``keyfile`` with a fresh MAC and write it atomically with mode 0600."""
    sealed = replace(keyfile, mac=_mac(keyfile, data_key))
    text = json.dumps(sealed.to_json(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    write_atomic(sealed.path, text.encode("utf-8"), mode=0o600)
    return sealed


def _modify(path: Path, unlocked: Unlocked, change: Callable[[KeyFile], tuple[Slot, ...]]) -> None:
    """Re-read, re-verify with the unlocked data key, apply ``change``, re-seal, write."""
    if not any(unlocked.data_key):
        raise ValueError("the Unlocked data key has been wiped")
    path = Path(path)
    current = load_keyfile(path)
    # Someone may have edited the file since it was unlocked, or this may be another register's
    # key file: the MAC under our data key settles both before we build on it.
    _verify_mac(current, unlocked.data_key)
    slots = change(current)
    unlocked.keyfile = _write(replace(current, slots=slots), unlocked.data_key)


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json.loads silently keeps the last duplicate; a hand-edited file with two "role" fields
    # would then mean something different to a human reader than to us.
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _reject_constant(name: str) -> None:
    raise ValueError(f"invalid constant {name}")


def _parse(path: Path, doc: object) -> KeyFile:
    def fail(detail: str) -> KeyFileCorrupt:
        return KeyFileCorrupt(path, detail)

    def obj(value: object, keys: set[str], where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise fail(f"{where}: not an object")
        if set(value) != keys:
            raise fail(f"{where}: expected fields {sorted(keys)}, got {sorted(value)}")
        return value

    def text(value: object, where: str) -> str:
        if not isinstance(value, str):
            raise fail(f"{where}: not a string")
        return value

    def integer(value: object, where: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise fail(f"{where}: not an integer")
        return value

    def b64(value: object, length: int, where: str) -> bytes:
        encoded = text(value, where)
        try:
            data = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise fail(f"{where}: not base64") from None
        # Only the canonical encoding, so the MAC over the parsed file equals the MAC over
        # what we would write back.
        if len(data) != length or _b64(data) != encoded:
            raise fail(f"{where}: expected {length} bytes in canonical base64")
        return data

    def timestamp(value: object, where: str) -> str:
        stamp = text(value, where)
        try:
            datetime.fromisoformat(stamp)
        except ValueError:
            raise fail(f"{where}: not an ISO timestamp") from None
        return stamp

    top = obj(doc, {"format", "database_id", "created", "slots", "mac"}, "file")
    if top["format"] != FORMAT:
        raise fail(f"unknown format {top['format']!r}")
    database_id = text(top["database_id"], "database_id")
    if not _DATABASE_ID_RE.fullmatch(database_id):
        raise fail("database_id: expected 32 lower-case hex characters")
    created = timestamp(top["created"], "created")
    if not isinstance(top["slots"], list):
        raise fail("slots: not a list")

    slots: list[Slot] = []
    slot_fields = {"id", "kind", "user", "role", "created", "kdf", "nonce", "wrapped_key"}
    kdf_fields = {"name", "salt", "memory_cost", "iterations", "lanes"}
    for index, raw in enumerate(top["slots"]):
        where = f"slots[{index}]"
        entry = obj(raw, slot_fields, where)
        slot_id = text(entry["id"], f"{where}.id")
        if not _SLOT_ID_RE.fullmatch(slot_id):
            raise fail(f"{where}.id: expected lower-case hex")
        kind = entry["kind"]
        if kind not in KINDS:
            raise fail(f"{where}.kind: unknown kind {kind!r}")
        user, role = entry["user"], entry["role"]
        if kind == "user":
            if not isinstance(user, str) or not _USER_RE.fullmatch(user):
                raise fail(f"{where}.user: invalid user name")
            if role not in ROLES:
                raise fail(f"{where}.role: unknown role")
        elif user is not None or role is not None:
            raise fail(f"{where}: a recovery slot has no user or role")
        kdf = obj(entry["kdf"], kdf_fields, f"{where}.kdf")
        if kdf["name"] != "argon2id":
            raise fail(f"{where}.kdf.name: only argon2id is supported")
        params = KdfParams(
            memory_cost=integer(kdf["memory_cost"], f"{where}.kdf.memory_cost"),
            iterations=integer(kdf["iterations"], f"{where}.kdf.iterations"),
            lanes=integer(kdf["lanes"], f"{where}.kdf.lanes"),
        )
        # Values Argon2 itself rejects or that could not be computed are damage, not weakness;
        # the floor is checked when the slot is opened (WeakKdfError).
        if (
            min(params.memory_cost, params.iterations, params.lanes) < 1
            or params.memory_cost < 8 * params.lanes
            or not _KDF_CEILING.at_least(params)
        ):
            raise fail(f"{where}.kdf: parameters out of range")
        slots.append(
            Slot(
                id=slot_id,
                kind=kind,
                user=user,
                role=role,
                created=timestamp(entry["created"], f"{where}.created"),
                kdf=params,
                salt=b64(kdf["salt"], SALT_BYTES, f"{where}.kdf.salt"),
                nonce=b64(entry["nonce"], NONCE_BYTES, f"{where}.nonce"),
                wrapped_key=b64(entry["wrapped_key"], _WRAPPED_BYTES, f"{where}.wrapped_key"),
            )
        )

    if len({s.id for s in slots}) != len(slots):
        raise fail("duplicate slot id")
    users = [s.user for s in slots if s.kind == "user"]
    if len(set(users)) != len(users):
        raise fail("duplicate user")
    if sum(s.kind == "recovery" for s in slots) != 1:
        raise fail("expected exactly one recovery slot")
    mac = b64(top["mac"], _MAC_BYTES, "mac")

    keyfile = KeyFile(path, database_id, created, tuple(slots), mac)
    # The MAC is defined over the document as stored; make sure our model round-trips it exactly.
    if _canonical(keyfile.body()) != _canonical({k: v for k, v in top.items() if k != "mac"}):
        raise fail("document does not round-trip")
    return keyfile
