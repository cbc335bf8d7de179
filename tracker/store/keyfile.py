"""The key file beside the database: per-user key pairs, and the data key wrapped to each.

The register is encrypted with one random 256-bit *data key*; it never touches the disk in
clear. ``<db>.keys`` (format ``tracker.keys/2``) holds one *slot* per user and one for the
recovery key. A slot is built like an age recipient:

- the user's own **X25519** and **Ed25519** key pairs; their private halves are sealed with
  AES-256-GCM under a key-encryption key (KEK) derived from the passphrase with Argon2id (one
  derivation per unlock), the slot's public facts being the associated data;
- the **data key wrapped to the slot's X25519 public key** (ephemeral X25519, HKDF-SHA256,
  AES-256-GCM), so a coordinator can give everybody a new data key (``tracker rekey``) without
  anyone's passphrase;
- for coordinators (and the recovery slot), the **register authority** key (Ed25519, signs board
  bundles) wrapped to the slot the same way.

The key file is a cache: who is a user and with which role lives in the register's signed event
log, which also records the SHA-256 of every key file it accepted (tracker.store.trust). Writes
go through a pending file so the log and the file never disagree after a crash (see
:func:`write_pending`).

Version 1 files (one AES-GCM wrap of the data key per passphrase, an HMAC keyed from the data
key) still open: their user slots become *legacy* slots that keep working until their user's
next login, which upgrades that slot in place (same salt, so still one derivation).

Secrets (passphrases, KEKs, private keys, the data key) never appear in messages, reprs or logs.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re
import secrets
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from tracker.i18n import t
from tracker.store.atomic import fsync_directory, write_atomic

FORMAT = "tracker.keys/2"
FORMAT_V1 = "tracker.keys/1"
ROLES = ("staff", "coordinator", "reviewer")
KINDS = ("user", "recovery")

DATA_KEY_BYTES = 32
SALT_BYTES = 16
NONCE_BYTES = 12
RECOVERY_KEY_BYTES = 16
_WRAPPED_BYTES = DATA_KEY_BYTES + 16  # ciphertext plus the GCM tag
_MAC_BYTES = 32
_MAC_INFO = b"tracker keyfile mac"
_KEY_BYTES = 32  # raw X25519 and Ed25519 keys, public and private
_SEALED_BYTES = 2 * _KEY_BYTES + 16  # both private halves plus the GCM tag
_WRAP_INFO = b"tracker.keys/2 x25519 recipient"
PURPOSE_DATA_KEY = "data_key"
PURPOSE_AUTHORITY = "authority"
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
# Refuse costs well above the defaults in a (possibly hostile) file instead of spending them: an
# edited slot must not make a login take minutes and gigabytes (2 x the default memory).
_KDF_CEILING = KdfParams(memory_cost=512 * 1024, iterations=12, lanes=8)

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


class KeyFileNotBacked(KeyFileTampered):
    """The key file, or the slot used, is not the one the register's log records (a restored old
    key file, a removed user, a role the log never gave, keys the log does not know)."""

    _KEYS: ClassVar[dict[str, str]] = {
        "file": "keyfile.not_backed_file",
        "user": "keyfile.not_backed_user",
        "role": "keyfile.not_backed_role",
        "keys": "keyfile.not_backed_keys",
        "log": "keyfile.not_backed_log",
    }

    def __init__(
        self, path: Path, user: str | None = None, reason: str = "file", seq: int = 0
    ) -> None:
        KeyFileError.__init__(self, path=str(path), user=user or "-", seq=seq)
        self.key = self._KEYS[reason]
        self.reason = reason


# --- data model ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    """Something wrapped to an X25519 public key, as age does it: an ephemeral key pair, HKDF-SHA256
    over the shared secret (salted with both public keys), AES-256-GCM."""

    ephemeral: bytes = field(repr=False)
    nonce: bytes = field(repr=False)
    ciphertext: bytes = field(repr=False)

    def to_json(self) -> dict[str, str]:
        return {
            "ephemeral": _b64(self.ephemeral),
            "nonce": _b64(self.nonce),
            "ciphertext": _b64(self.ciphertext),
        }


@dataclass(frozen=True)
class Slot:
    """A user's (or the recovery key's) key pairs, sealed under the passphrase, and what is
    wrapped to them. Only public or noisy values: the private halves are in ``sealed``."""

    id: str
    kind: str
    user: str | None
    created: str
    kdf: KdfParams
    salt: bytes = field(repr=False)
    x25519: bytes = field(repr=False)  # public halves
    ed25519: bytes = field(repr=False)
    nonce: bytes = field(repr=False)
    sealed: bytes = field(repr=False)
    data_key: Recipient = field(repr=False)
    authority: Recipient | None = field(repr=False, default=None)

    def kdf_json(self) -> dict[str, Any]:
        return _kdf_json(self.kdf, self.salt)

    def public_json(self) -> dict[str, str]:
        return {"x25519": _b64(self.x25519), "ed25519": _b64(self.ed25519)}

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "user": self.user,
            "created": self.created,
            "kdf": self.kdf_json(),
            "public": self.public_json(),
            "nonce": _b64(self.nonce),
            "sealed": _b64(self.sealed),
            "data_key": self.data_key.to_json(),
            "authority": self.authority.to_json() if self.authority else None,
        }


@dataclass(frozen=True)
class LegacySlot:
    """A version 1 slot: the data key wrapped straight under the passphrase's KEK."""

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
        return _kdf_json(self.kdf, self.salt)

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


AnySlot = Slot | LegacySlot


@dataclass(frozen=True)
class KeyFile:
    """A parsed key file. Loading needs no secret; nothing in it is trusted until the register's
    log vouches for it (version 2) or its MAC checks (version 1)."""

    path: Path
    database_id: str
    created: str
    slots: tuple[Slot, ...]
    legacy: tuple[LegacySlot, ...] = ()
    version: int = 2
    mac: bytes = field(repr=False, default=b"")  # version 1 only
    digest: str = ""  # SHA-256 of the bytes as read from (or written to) disk

    def all_slots(self) -> tuple[AnySlot, ...]:
        return (*self.slots, *self.legacy)

    def users(self) -> list[str]:
        """The user names that have a slot, in file order; works without unlocking."""
        return [s.user for s in self.all_slots() if s.kind == "user" and s.user is not None]

    def find_user(self, user: str) -> AnySlot | None:
        return next((s for s in self.all_slots() if s.kind == "user" and s.user == user), None)

    def recovery_slot(self) -> AnySlot:
        # load_keyfile guarantees exactly one.
        return next(s for s in self.all_slots() if s.kind == "recovery")

    def body(self) -> dict[str, Any]:
        """The document (version 1: everything its MAC covers)."""
        if self.version == 1:
            return {
                "format": FORMAT_V1,
                "database_id": self.database_id,
                "created": self.created,
                "slots": [slot.to_json() for slot in self.legacy],
            }
        return {
            "format": FORMAT,
            "database_id": self.database_id,
            "created": self.created,
            "slots": [slot.to_json() for slot in self.slots],
            "legacy_slots": [slot.to_json() for slot in self.legacy],
        }

    def to_json(self) -> dict[str, Any]:
        if self.version == 1:
            return {**self.body(), "mac": _b64(self.mac)}
        return self.body()

    def encode(self) -> bytes:
        """The file's bytes (always version 2 for a file this module writes)."""
        text = json.dumps(self.to_json(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        return text.encode("utf-8")


@dataclass(repr=False, eq=False)
class Identity:
    """A user's private keys: X25519 (unwraps what is wrapped to the user) and Ed25519 (signs
    the user's events)."""

    x25519: X25519PrivateKey
    ed25519: Ed25519PrivateKey

    @classmethod
    def generate(cls) -> Identity:
        return cls(X25519PrivateKey.generate(), Ed25519PrivateKey.generate())

    @property
    def x25519_public(self) -> bytes:
        return self.x25519.public_key().public_bytes_raw()

    @property
    def ed25519_public(self) -> bytes:
        return self.ed25519.public_key().public_bytes_raw()

    def __repr__(self) -> str:
        return "Identity(<hidden>)"


@dataclass(repr=False, eq=False)
class Unlocked:
    """What a slot opened: the data key, who opened it (None for the recovery key), the slot's
    identity (None for a legacy slot), the register authority when wrapped to the slot.

    ``upgraded``: for a legacy slot, the key file with that slot turned into a version 2 slot
    (same salt and passphrase), to be written once the log has recorded it.
    ``data_key`` is a bytearray so :meth:`wipe` can zero it in place when the caller is done.
    """

    data_key: bytearray
    user: str | None
    keyfile: KeyFile
    identity: Identity | None = None
    authority: Ed25519PrivateKey | None = None
    legacy_role: str | None = None
    upgraded: KeyFile | None = None

    @property
    def role(self) -> str | None:
        """The role a legacy slot claims (version 2 slots hold none: the log says)."""
        return self.legacy_role

    @property
    def slot(self) -> AnySlot:
        if self.user is None:
            return self.keyfile.recovery_slot()
        found = self.keyfile.find_user(self.user)
        assert found is not None
        return found

    def wipe(self) -> None:
        """Overwrite the data key with zeros (as far as Python lets us; copies may remain)."""
        _wipe(self.data_key)

    def __enter__(self) -> Unlocked:
        return self

    def __exit__(self, *exc: object) -> None:
        self.wipe()

    def __repr__(self) -> str:
        return (
            f"Unlocked(user={self.user!r}, database_id={self.keyfile.database_id!r}, "
            "data_key=<hidden>)"
        )


# --- public API --------------------------------------------------------------------------------


def keyfile_path(db_path: Path) -> Path:
    """The key file that belongs to ``db_path``: the same name with ``.keys`` appended."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + ".keys")


def pending_path(path: Path) -> Path:
    """Where a key file waits until the log has recorded it: ``<db>.keys.pending``."""
    path = Path(path)
    return path.with_name(path.name + ".pending")


def digest(data: bytes) -> str:
    """The SHA-256 the log records for a key file's bytes."""
    return hashlib.sha256(data).hexdigest()


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


@dataclass(repr=False, eq=False)
class NewKeyFile:
    """A key file built in memory, not yet written: its first user's identity, and the recovery
    key (display form, shown once) with the recovery slot's identity."""

    keyfile: KeyFile
    identity: Identity
    recovery_key: str
    recovery_identity: Identity


def new_keyfile(
    path: Path,
    database_id: str,
    data_key: bytes | bytearray,
    user: str,
    passphrase: str,
    authority: Ed25519PrivateKey,
) -> NewKeyFile:
    """A key file with ``user``'s slot and a recovery slot, the authority wrapped to both."""
    if not isinstance(database_id, str) or not _DATABASE_ID_RE.fullmatch(database_id):
        raise ValueError("database_id must be 32 lower-case hex characters")
    _check_data_key(data_key)
    validate_user_name(user)
    secret = _passphrase_bytes(passphrase)
    _check_floor(DEFAULT_KDF)
    now = _now()
    identity = Identity.generate()
    user_slot = _new_slot(database_id, "user", user, secret, identity, data_key, authority, now)
    recovery_raw, recovery_text = generate_recovery_key()
    recovery_identity = Identity.generate()
    recovery = _new_slot(
        database_id, "recovery", None, recovery_raw, recovery_identity, data_key, authority, now
    )
    keyfile = KeyFile(Path(path), database_id, now, (user_slot, recovery))
    return NewKeyFile(keyfile, identity, recovery_text, recovery_identity)


def create_keyfile(
    path: Path,
    database_id: str,
    data_key: bytes | bytearray,
    user: str,
    passphrase: str,
    authority: Ed25519PrivateKey | None = None,
) -> NewKeyFile:
    """Build and write a new key file (never over an existing one); see :func:`new_keyfile`."""
    path = Path(path)
    if path.exists():
        raise KeyFileExists(path)
    built = new_keyfile(
        path, database_id, data_key, user, passphrase, authority or Ed25519PrivateKey.generate()
    )
    data = built.keyfile.encode()
    write_atomic(path, data, mode=0o600)
    built.keyfile = replace(built.keyfile, digest=digest(data))
    return built


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
    return parse_keyfile(path, raw)


def parse_keyfile(path: Path, raw: bytes) -> KeyFile:
    """A key file from its bytes (``path`` only names it in messages)."""
    if len(raw) > _MAX_FILE_BYTES:
        raise KeyFileCorrupt(path, "file too large")
    try:
        doc = json.loads(
            raw.decode("utf-8"),
            object_pairs_hook=_no_duplicate_keys,
            parse_constant=_reject_constant,
        )
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise KeyFileCorrupt(path, f"not valid JSON: {type(exc).__name__}") from None
    return replace(_parse(Path(path), doc), digest=digest(raw))


def unlock(path: Path | KeyFile, user: str, passphrase: str) -> Unlocked:
    """Open ``user``'s slot with ``passphrase``: one Argon2id derivation.

    Raises :class:`WrongCredentials` for an unknown user and for a wrong passphrase alike (and
    spends the same Argon2id work on both), :class:`WeakKdfError` for a slot below the floor and
    :class:`KeyFileTampered` if a version 1 file was edited. Nothing is written: a legacy slot's
    upgrade comes back in ``upgraded`` for the caller to record and write.
    """
    keyfile = path if isinstance(path, KeyFile) else load_keyfile(path)
    secret = _passphrase_bytes(passphrase, allow_empty=True)
    slot = keyfile.find_user(user) if isinstance(user, str) else None
    if slot is None:
        # Same cost as a real attempt, so timing does not reveal which user names exist.
        _dummy_derive(secret)
        raise WrongCredentials()
    unlocked = _open_slot(keyfile, slot, secret)
    if unlocked is None:
        raise WrongCredentials()
    return unlocked


def unlock_with_recovery(path: Path | KeyFile, recovery_key: str) -> Unlocked:
    """Open the recovery slot. The result has ``user`` None.

    A mistyped key raises :class:`InvalidRecoveryKey` naming the bad group before any key
    derivation; a well-formed key that does not fit raises it with ``mismatch`` set.
    """
    raw = parse_recovery_key(recovery_key)
    keyfile = path if isinstance(path, KeyFile) else load_keyfile(path)
    unlocked = _open_slot(keyfile, keyfile.recovery_slot(), raw)
    if unlocked is None:
        raise InvalidRecoveryKey(mismatch=True)
    return unlocked


def with_user(
    keyfile: KeyFile,
    data_key: bytes | bytearray,
    user: str,
    passphrase: str,
    authority: Ed25519PrivateKey | None = None,
    *,
    replacing: bool = False,
    identity: Identity | None = None,
) -> tuple[KeyFile, Identity]:
    """``keyfile`` with a new slot (new key pairs) for ``user``; the authority wrapped to it when
    given (coordinators). ``replacing``: the user's old slot goes (a recovery), else a user who
    already has a slot is refused."""
    validate_user_name(user)
    secret = _passphrase_bytes(passphrase)
    old = keyfile.find_user(user)
    if old is not None and not replacing:
        raise SlotExists(user)
    if old is None and replacing:
        raise SlotNotFound(user)
    identity = identity or Identity.generate()
    slot = _new_slot(
        keyfile.database_id,
        "user",
        user,
        secret,
        identity,
        data_key,
        authority,
        old.created if old is not None else _now(),
        slot_id=old.id if old is not None else None,
    )
    return _swap(keyfile, old, slot), identity


def replace_slot(keyfile: KeyFile, slot: Slot) -> KeyFile:
    """``keyfile`` with the slot of ``slot``'s user (legacy or not) replaced by ``slot``."""
    old = keyfile.find_user(slot.user or "") if slot.kind == "user" else keyfile.recovery_slot()
    if old is None:
        raise SlotNotFound(str(slot.user))
    return _swap(keyfile, old, slot)


def without_user(keyfile: KeyFile, user: str) -> KeyFile:
    """``keyfile`` without ``user``'s slot (the caller checks roles against the log)."""
    old = keyfile.find_user(user)
    if old is None:
        raise SlotNotFound(user)
    return _swap(keyfile, old, None)


def with_passphrase(keyfile: KeyFile, unlocked: Unlocked, new_passphrase: str) -> KeyFile:
    """``keyfile`` with the unlocked user's identity sealed under ``new_passphrase`` (fresh salt,
    the current KDF defaults); what is wrapped to the slot stays."""
    secret = _passphrase_bytes(new_passphrase)
    if unlocked.identity is None or unlocked.user is None:
        raise ValueError("only an unlocked version 2 user slot changes its passphrase")
    old = keyfile.find_user(unlocked.user)
    if not isinstance(old, Slot):
        raise SlotNotFound(unlocked.user)
    _check_floor(DEFAULT_KDF)
    slot = replace(old, kdf=DEFAULT_KDF, salt=secrets.token_bytes(SALT_BYTES))
    kek = _derive_kek(secret, slot.salt, slot.kdf)
    try:
        slot = _seal(keyfile.database_id, slot, kek, unlocked.identity)
    finally:
        _wipe(kek)
    return _swap(keyfile, old, slot)


def with_authority(
    keyfile: KeyFile, users: set[str], authority: Ed25519PrivateKey | None
) -> KeyFile:
    """``keyfile`` with the authority wrapped to exactly ``users`` and the recovery slot (and
    to nobody when ``authority`` is None)."""
    slots = []
    for slot in keyfile.slots:
        wanted = authority is not None and (slot.kind == "recovery" or slot.user in users)
        wrapped = (
            _wrap_to(keyfile.database_id, slot, PURPOSE_AUTHORITY, _authority_bytes(authority))
            if wanted and authority is not None
            else None
        )
        slots.append(replace(slot, authority=wrapped))
    return replace(keyfile, slots=tuple(slots))


def rekeyed(
    keyfile: KeyFile, new_data_key: bytes | bytearray, authority: Ed25519PrivateKey | None
) -> tuple[KeyFile, str, Identity]:
    """Every version 2 user slot with ``new_data_key`` (and ``authority`` where it was) wrapped
    to it, and a new recovery slot: returns the file, the new recovery key (shown once) and the
    recovery identity. Legacy slots cannot be re-wrapped without their passphrase: they go (the
    caller refuses to rekey while there are any, or accepts losing them)."""
    _check_data_key(new_data_key)
    slots = []
    for slot in keyfile.slots:
        if slot.kind != "user":
            continue
        had_authority = slot.authority is not None and authority is not None
        slots.append(
            replace(
                slot,
                data_key=_wrap_to(keyfile.database_id, slot, PURPOSE_DATA_KEY, bytes(new_data_key)),
                authority=_wrap_to(
                    keyfile.database_id, slot, PURPOSE_AUTHORITY, _authority_bytes(authority)
                )
                if had_authority and authority is not None
                else None,
            )
        )
    recovery_raw, recovery_text = generate_recovery_key()
    recovery_identity = Identity.generate()
    recovery = _new_slot(
        keyfile.database_id,
        "recovery",
        None,
        recovery_raw,
        recovery_identity,
        new_data_key,
        authority,
        _now(),
    )
    slots.append(recovery)
    return replace(keyfile, slots=tuple(slots), legacy=()), recovery_text, recovery_identity


# --- writing through a pending file ------------------------------------------------------------


def write_pending(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``<db>.keys.pending`` (fsynced, mode 0600); the caller then commits the
    event that records ``digest(data)``, and only then calls :func:`apply_pending`.

    Call it inside the register's write transaction, so no other process can see (and remove)
    a pending file that is not yet recorded."""
    pending = pending_path(path)
    write_atomic(pending, data, mode=0o600)
    return pending


def apply_pending(path: Path, expected_digest: str) -> None:
    """Rename the pending file into place. If another process already did (it found the digest
    in the log), the key file in place has ``expected_digest`` and nothing is left to do."""
    pending = pending_path(path)
    try:
        os.replace(pending, path)
    except FileNotFoundError:
        if not path.exists() or digest(path.read_bytes()) != expected_digest:
            raise
        return
    fsync_directory(Path(path).parent)


def leftovers(path: Path) -> tuple[Path | None, list[Path]]:
    """The pending file (if any) and the temporary files of interrupted key-file writes."""
    path = Path(path)
    pending = pending_path(path)
    temporary = sorted(
        candidate
        for candidate in path.parent.glob(f".{glob_escape(path.name)}*.tmp")
        if candidate.is_file()
    )
    return (pending if pending.exists() else None), temporary


def glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


def settle_pending(path: Path, recorded: set[str]) -> bool:
    """After a crash: a pending file whose digest the log records goes into place; any other
    pending or temporary key file is removed. True when the key file in place changed.

    Call it inside the register's write transaction (see :func:`write_pending`)."""
    pending, temporary = leftovers(path)
    changed = False
    if pending is not None:
        data = pending.read_bytes()
        if digest(data) in recorded and (
            not Path(path).exists() or Path(path).read_bytes() != data
        ):
            os.replace(pending, path)
            changed = True
        else:
            pending.unlink(missing_ok=True)
    for leftover in temporary:
        leftover.unlink(missing_ok=True)
    if changed or pending is not None or temporary:
        fsync_directory(Path(path).parent)
    return changed


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


def _kdf_json(params: KdfParams, salt: bytes) -> dict[str, Any]:
    return {
        "name": "argon2id",
        "salt": _b64(salt),
        "memory_cost": params.memory_cost,
        "iterations": params.iterations,
        "lanes": params.lanes,
    }


def _authority_bytes(authority: Ed25519PrivateKey) -> bytes:
    return authority.private_bytes_raw()


def _seal_ad(database_id: str, slot: Slot) -> bytes:
    """What a slot's sealed private keys are bound to: editing any of it breaks the slot."""
    return _canonical(
        {
            "format": FORMAT,
            "database_id": database_id,
            "id": slot.id,
            "kind": slot.kind,
            "user": slot.user,
            "kdf": slot.kdf_json(),
            "public": slot.public_json(),
        }
    )


def _wrap_ad(database_id: str, slot: Slot, purpose: str) -> bytes:
    return _canonical(
        {
            "format": FORMAT,
            "database_id": database_id,
            "slot": slot.id,
            "purpose": purpose,
            "recipient": _b64(slot.x25519),
        }
    )


def _recipient_key(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    # age's X25519 stanza: the wrapping key is HKDF-SHA256 of the shared secret, salted with
    # the ephemeral and the recipient public keys.
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=ephemeral + recipient, info=_WRAP_INFO
    ).derive(shared)


def _wrap_to(database_id: str, slot: Slot, purpose: str, secret: bytes) -> Recipient:
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes_raw()
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(slot.x25519))
    key = _recipient_key(shared, ephemeral_public, slot.x25519)
    nonce = secrets.token_bytes(NONCE_BYTES)
    ciphertext = AESGCM(key).encrypt(nonce, secret, _wrap_ad(database_id, slot, purpose))
    return Recipient(ephemeral_public, nonce, ciphertext)


def _unwrap_from(
    database_id: str, slot: Slot, purpose: str, wrapped: Recipient, identity: Identity
) -> bytes | None:
    try:
        shared = identity.x25519.exchange(X25519PublicKey.from_public_bytes(wrapped.ephemeral))
        key = _recipient_key(shared, wrapped.ephemeral, slot.x25519)
        return AESGCM(key).decrypt(
            wrapped.nonce, wrapped.ciphertext, _wrap_ad(database_id, slot, purpose)
        )
    except (InvalidTag, ValueError):
        return None


def _seal(database_id: str, slot: Slot, kek: bytearray, identity: Identity) -> Slot:
    """``slot`` with ``identity``'s private halves sealed under ``kek`` (fresh nonce)."""
    slot = replace(
        slot,
        x25519=identity.x25519_public,
        ed25519=identity.ed25519_public,
        nonce=secrets.token_bytes(NONCE_BYTES),
    )
    private = bytearray(identity.x25519.private_bytes_raw() + identity.ed25519.private_bytes_raw())
    try:
        sealed = AESGCM(kek).encrypt(slot.nonce, bytes(private), _seal_ad(database_id, slot))
    finally:
        _wipe(private)
    return replace(slot, sealed=sealed)


def _new_slot(
    database_id: str,
    kind: str,
    user: str | None,
    secret: bytes,
    identity: Identity,
    data_key: bytes | bytearray,
    authority: Ed25519PrivateKey | None,
    created: str,
    *,
    kek: bytearray | None = None,
    kdf: KdfParams | None = None,
    salt: bytes | None = None,
    slot_id: str | None = None,
) -> Slot:
    """A new slot for ``identity`` sealed under ``secret`` (or an already derived ``kek`` with
    its ``kdf`` and ``salt``), with the data key and the authority wrapped to it."""
    params = kdf or DEFAULT_KDF
    _check_floor(params)
    empty = Recipient(b"", b"", b"")
    slot = Slot(
        id=slot_id or secrets.token_hex(8),
        kind=kind,
        user=user,
        created=created,
        kdf=params,
        salt=salt or secrets.token_bytes(SALT_BYTES),
        x25519=identity.x25519_public,
        ed25519=identity.ed25519_public,
        nonce=b"",
        sealed=b"",
        data_key=empty,
    )
    own_kek = kek is None
    key = _derive_kek(secret, slot.salt, params) if kek is None else kek
    try:
        slot = _seal(database_id, slot, key, identity)
    finally:
        if own_kek:
            _wipe(key)
    return replace(
        slot,
        data_key=_wrap_to(database_id, slot, PURPOSE_DATA_KEY, bytes(data_key)),
        authority=_wrap_to(database_id, slot, PURPOSE_AUTHORITY, _authority_bytes(authority))
        if authority is not None
        else None,
    )


def _swap(keyfile: KeyFile, old: AnySlot | None, new: Slot | None) -> KeyFile:
    """``keyfile`` with ``old`` replaced by ``new`` (or removed; or ``new`` added); a legacy
    slot replaced by a version 2 one moves to the version 2 list."""
    slots = [s for s in keyfile.slots if s is not old]
    legacy = tuple(s for s in keyfile.legacy if s is not old)
    if new is not None:
        position = (
            keyfile.slots.index(old)
            if isinstance(old, Slot)
            else len([s for s in slots if s.kind == "user"])
        )
        slots.insert(position, new)
    return replace(keyfile, slots=tuple(slots), legacy=legacy, version=2, mac=b"", digest="")


def _open_slot(keyfile: KeyFile, slot: AnySlot, secret: bytes) -> Unlocked | None:
    """One derivation: the slot's identity and what is wrapped to it, or None when ``secret``
    does not open it."""
    _check_floor(slot.kdf)
    kek = _derive_kek(secret, slot.salt, slot.kdf)
    try:
        if isinstance(slot, LegacySlot):
            return _open_legacy(keyfile, slot, kek)
        private = bytearray(2 * _KEY_BYTES)
        try:
            AESGCM(kek).decrypt_into(
                slot.nonce, slot.sealed, _seal_ad(keyfile.database_id, slot), private
            )
        except InvalidTag:
            _wipe(private)
            return None
        identity = Identity(
            X25519PrivateKey.from_private_bytes(bytes(private[:_KEY_BYTES])),
            Ed25519PrivateKey.from_private_bytes(bytes(private[_KEY_BYTES:])),
        )
        _wipe(private)
        if (identity.x25519_public, identity.ed25519_public) != (slot.x25519, slot.ed25519):
            raise KeyFileTampered(keyfile.path, user=slot.user)
        data_key = _unwrap_from(
            keyfile.database_id, slot, PURPOSE_DATA_KEY, slot.data_key, identity
        )
        if data_key is None or len(data_key) != DATA_KEY_BYTES:
            raise KeyFileTampered(keyfile.path, user=slot.user)
        authority = None
        if slot.authority is not None:
            raw = _unwrap_from(
                keyfile.database_id, slot, PURPOSE_AUTHORITY, slot.authority, identity
            )
            if raw is None or len(raw) != _KEY_BYTES:
                raise KeyFileTampered(keyfile.path, user=slot.user)
            authority = Ed25519PrivateKey.from_private_bytes(raw)
        return Unlocked(bytearray(data_key), slot.user, keyfile, identity, authority)
    finally:
        _wipe(kek)


def _legacy_ad(database_id: str, slot: LegacySlot) -> bytes:
    """Version 1's associated data (format tracker.keys/1), kept so old slots still open."""
    return _canonical(
        {
            "format": FORMAT_V1,
            "database_id": database_id,
            "id": slot.id,
            "kind": slot.kind,
            "user": slot.user,
            "role": slot.role,
            "kdf": slot.kdf_json(),
        }
    )


def _open_legacy(keyfile: KeyFile, slot: LegacySlot, kek: bytearray) -> Unlocked | None:
    data_key = bytearray(DATA_KEY_BYTES)
    aead = AESGCM(kek)
    if not _try_decrypt(aead, keyfile.database_id, slot, data_key):
        if slot.kind == "user":
            for role in ROLES:
                if role != slot.role and _try_decrypt(
                    aead, keyfile.database_id, replace(slot, role=role), data_key
                ):
                    _wipe(data_key)
                    raise KeyFileTampered(keyfile.path, user=slot.user)
        return None
    if keyfile.version == 1:
        try:
            _verify_mac(keyfile, data_key)
        except KeyFileTampered:
            _wipe(data_key)
            raise
    upgraded = None
    identity = None
    if slot.kind == "user":
        # The upgrade reuses this derivation: same salt and parameters, so the passphrase that
        # opened the legacy slot opens the new one, and the login stays one Argon2id run.
        identity = Identity.generate()
        new = _new_slot(
            keyfile.database_id,
            "user",
            slot.user,
            b"",
            identity,
            data_key,
            None,
            slot.created,
            kek=kek,
            kdf=slot.kdf,
            salt=slot.salt,
            slot_id=slot.id,
        )
        upgraded = _swap(keyfile, slot, new)
    return Unlocked(
        data_key, slot.user, keyfile, identity, None, legacy_role=slot.role, upgraded=upgraded
    )


def _try_decrypt(aead: AESGCM, database_id: str, slot: LegacySlot, out: bytearray) -> bool:
    try:
        aead.decrypt_into(slot.nonce, slot.wrapped_key, _legacy_ad(database_id, slot), out)
    except InvalidTag:
        _wipe(out)  # do not leave unauthenticated plaintext lying around
        return False
    return True


def _mac_key(data_key: bytes | bytearray) -> bytearray:
    # Version 1 only: a MAC keyed from the data key, which every slot holder has (so it catches
    # accidents and outsiders, not colleagues: version 2 relies on the log instead).
    mac_key = bytearray(32)
    HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_MAC_INFO).derive_into(
        data_key, mac_key
    )
    return mac_key


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


class _Reader:
    """Strict field readers for one key file: any surprise is KeyFileCorrupt."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, detail: str) -> KeyFileCorrupt:
        return KeyFileCorrupt(self.path, detail)

    def obj(self, value: object, keys: set[str], where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(f"{where}: not an object")
        if set(value) != keys:
            raise self.fail(f"{where}: expected fields {sorted(keys)}, got {sorted(value)}")
        return value

    def text(self, value: object, where: str) -> str:
        if not isinstance(value, str):
            raise self.fail(f"{where}: not a string")
        return value

    def integer(self, value: object, where: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(f"{where}: not an integer")
        return value

    def b64(self, value: object, length: int, where: str) -> bytes:
        encoded = self.text(value, where)
        try:
            data = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise self.fail(f"{where}: not base64") from None
        # Only the canonical encoding, so what we write back is what we read.
        if len(data) != length or _b64(data) != encoded:
            raise self.fail(f"{where}: expected {length} bytes in canonical base64")
        return data

    def timestamp(self, value: object, where: str) -> str:
        stamp = self.text(value, where)
        try:
            datetime.fromisoformat(stamp)
        except ValueError:
            raise self.fail(f"{where}: not an ISO timestamp") from None
        return stamp

    def slot_id(self, value: object, where: str) -> str:
        slot_id = self.text(value, where)
        if not _SLOT_ID_RE.fullmatch(slot_id):
            raise self.fail(f"{where}: expected lower-case hex")
        return slot_id

    def kind_user(self, entry: dict[str, Any], where: str) -> tuple[str, str | None]:
        kind, user = entry["kind"], entry["user"]
        if kind not in KINDS:
            raise self.fail(f"{where}.kind: unknown kind {kind!r}")
        if kind == "user":
            if not isinstance(user, str) or not _USER_RE.fullmatch(user):
                raise self.fail(f"{where}.user: invalid user name")
        elif user is not None:
            raise self.fail(f"{where}: a recovery slot has no user")
        return kind, user

    def kdf(self, value: object, where: str) -> tuple[KdfParams, bytes]:
        kdf = self.obj(value, {"name", "salt", "memory_cost", "iterations", "lanes"}, where)
        if kdf["name"] != "argon2id":
            raise self.fail(f"{where}.name: only argon2id is supported")
        params = KdfParams(
            memory_cost=self.integer(kdf["memory_cost"], f"{where}.memory_cost"),
            iterations=self.integer(kdf["iterations"], f"{where}.iterations"),
            lanes=self.integer(kdf["lanes"], f"{where}.lanes"),
        )
        # Values Argon2 itself rejects or that could not be computed are damage, not weakness;
        # the floor is checked when the slot is opened (WeakKdfError).
        if (
            min(params.memory_cost, params.iterations, params.lanes) < 1
            or params.memory_cost < 8 * params.lanes
            or not _KDF_CEILING.at_least(params)
        ):
            raise self.fail(f"{where}: parameters out of range")
        return params, self.b64(kdf["salt"], SALT_BYTES, f"{where}.salt")

    def recipient(self, value: object, length: int, where: str) -> Recipient:
        entry = self.obj(value, {"ephemeral", "nonce", "ciphertext"}, where)
        return Recipient(
            self.b64(entry["ephemeral"], _KEY_BYTES, f"{where}.ephemeral"),
            self.b64(entry["nonce"], NONCE_BYTES, f"{where}.nonce"),
            self.b64(entry["ciphertext"], length + 16, f"{where}.ciphertext"),
        )

    def legacy_slot(self, raw: object, where: str) -> LegacySlot:
        fields = {"id", "kind", "user", "role", "created", "kdf", "nonce", "wrapped_key"}
        entry = self.obj(raw, fields, where)
        kind, user = self.kind_user(entry, where)
        role = entry["role"]
        if kind == "user" and role not in ROLES:
            raise self.fail(f"{where}.role: unknown role")
        if kind == "recovery" and role is not None:
            raise self.fail(f"{where}: a recovery slot has no role")
        params, salt = self.kdf(entry["kdf"], f"{where}.kdf")
        return LegacySlot(
            id=self.slot_id(entry["id"], f"{where}.id"),
            kind=kind,
            user=user,
            role=role,
            created=self.timestamp(entry["created"], f"{where}.created"),
            kdf=params,
            salt=salt,
            nonce=self.b64(entry["nonce"], NONCE_BYTES, f"{where}.nonce"),
            wrapped_key=self.b64(entry["wrapped_key"], _WRAPPED_BYTES, f"{where}.wrapped_key"),
        )

    def slot(self, raw: object, where: str) -> Slot:
        fields = {
            "id", "kind", "user", "created", "kdf", "public", "nonce", "sealed", "data_key",
            "authority",
        }  # fmt: skip
        entry = self.obj(raw, fields, where)
        kind, user = self.kind_user(entry, where)
        params, salt = self.kdf(entry["kdf"], f"{where}.kdf")
        public = self.obj(entry["public"], {"x25519", "ed25519"}, f"{where}.public")
        authority = entry["authority"]
        return Slot(
            id=self.slot_id(entry["id"], f"{where}.id"),
            kind=kind,
            user=user,
            created=self.timestamp(entry["created"], f"{where}.created"),
            kdf=params,
            salt=salt,
            x25519=self.b64(public["x25519"], _KEY_BYTES, f"{where}.public.x25519"),
            ed25519=self.b64(public["ed25519"], _KEY_BYTES, f"{where}.public.ed25519"),
            nonce=self.b64(entry["nonce"], NONCE_BYTES, f"{where}.nonce"),
            sealed=self.b64(entry["sealed"], _SEALED_BYTES, f"{where}.sealed"),
            data_key=self.recipient(entry["data_key"], DATA_KEY_BYTES, f"{where}.data_key"),
            authority=None
            if authority is None
            else self.recipient(authority, _KEY_BYTES, f"{where}.authority"),
        )

    def slot_list(self, value: object, where: str) -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(f"{where}: not a list")
        return value


def _parse(path: Path, doc: object) -> KeyFile:
    read = _Reader(path)
    if not isinstance(doc, dict) or doc.get("format") not in (FORMAT, FORMAT_V1):
        fmt = doc.get("format") if isinstance(doc, dict) else None
        raise read.fail(f"unknown format {fmt!r}")
    version = 1 if doc["format"] == FORMAT_V1 else 2
    if version == 1:
        top = read.obj(doc, {"format", "database_id", "created", "slots", "mac"}, "file")
        slots: list[Slot] = []
        legacy = [
            read.legacy_slot(raw, f"slots[{index}]")
            for index, raw in enumerate(read.slot_list(top["slots"], "slots"))
        ]
        mac = read.b64(top["mac"], _MAC_BYTES, "mac")
    else:
        top = read.obj(doc, {"format", "database_id", "created", "slots", "legacy_slots"}, "file")
        slots = [
            read.slot(raw, f"slots[{index}]")
            for index, raw in enumerate(read.slot_list(top["slots"], "slots"))
        ]
        legacy = [
            read.legacy_slot(raw, f"legacy_slots[{index}]")
            for index, raw in enumerate(read.slot_list(top["legacy_slots"], "legacy_slots"))
        ]
        mac = b""
    database_id = read.text(top["database_id"], "database_id")
    if not _DATABASE_ID_RE.fullmatch(database_id):
        raise read.fail("database_id: expected 32 lower-case hex characters")
    created = read.timestamp(top["created"], "created")

    every: list[AnySlot] = [*slots, *legacy]
    if len({s.id for s in every}) != len(every):
        raise read.fail("duplicate slot id")
    users = [s.user for s in every if s.kind == "user"]
    if len(set(users)) != len(users):
        raise read.fail("duplicate user")
    if sum(s.kind == "recovery" for s in every) != 1:
        raise read.fail("expected exactly one recovery slot")
    keyfile = KeyFile(path, database_id, created, tuple(slots), tuple(legacy), version, mac)
    # The document must round-trip exactly (the v1 MAC and the log's digest are over it).
    if _canonical(keyfile.to_json()) != _canonical(doc):
        raise read.fail("document does not round-trip")
    return keyfile
