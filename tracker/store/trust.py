"""Who may do what, read from the signed event log (TUF's idea: the log is the root of trust).

Users, their roles and their public keys live in the log, not in the key file: ``user_added``,
``role_changed`` and ``user_removed`` are events a coordinator signs with her Ed25519 key, and
every event that changes the key file records the SHA-256 of the key file it produced. Every
event is signed by its author over its chain hash (the last event of a batch signs for the
batch's events before it and states how many), so a signature also covers all history before it:

- nobody can add, raise or remove a user without a coordinator's private key;
- an edit or deletion before another user's later event breaks that user's signature;
- a user can still rewrite her own newest events (those after everybody else's last event):
  ``audit verify --expect SEQ:HASH`` and signed heads that reviewers keep catch that.

Registers created before signatures (schema 0002) hold unsigned *legacy* events; everything from
the first signed event on must be signed, and an event that declares keys is never legacy.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Connection, select

from tracker.store import signing
from tracker.store.eventlog import (
    GENESIS_HASH,
    KeptEvents,
    chain_hash,
    legacy_signed_message,
    payload_hash,
    signed_message,
)
from tracker.store.schema import events

ROLE_COORDINATOR = "coordinator"

USER_ADDED = "user_added"
ROLE_CHANGED = "role_changed"
USER_REMOVED = "user_removed"
USER_KEYS_SET = "user_keys_set"  # a legacy slot upgraded: the user declares her new keys
PASSPHRASE_CHANGED = "passphrase_changed"
PASSPHRASE_RECOVERED = "passphrase_recovered"
RECOVERY_KEY_SET = "recovery_key_set"
REGISTER_REKEYED = "register_rekeyed"
AUTHORITY_SET = "authority_set"

MEMBERSHIP_KINDS = (
    USER_ADDED,
    ROLE_CHANGED,
    USER_REMOVED,
    USER_KEYS_SET,
    PASSPHRASE_CHANGED,
    PASSPHRASE_RECOVERED,
    RECOVERY_KEY_SET,
    REGISTER_REKEYED,
    AUTHORITY_SET,
)
# What a coordinator alone may write.
_COORDINATOR_KINDS = (
    USER_ADDED,
    ROLE_CHANGED,
    USER_REMOVED,
    RECOVERY_KEY_SET,
    REGISTER_REKEYED,
    AUTHORITY_SET,
)
# Version 1 wrote these without signatures; nothing else may be legacy.
_LEGACY_KINDS = (USER_ADDED, USER_REMOVED, PASSPHRASE_CHANGED, PASSPHRASE_RECOVERED)
_KEY_FIELDS = ("x25519", "ed25519")
# An event of another kind, without these fields, changes nobody's standing (Walker.apply).
_STANDING_KINDS = frozenset((*MEMBERSHIP_KINDS, "register_created"))
_STANDING_FIELDS = frozenset((*_KEY_FIELDS, "keyfile_sha256"))


@dataclass
class Member:
    user: str
    role: str
    active: bool = True
    x25519: bytes | None = None
    ed25519: bytes | None = None


@dataclass
class Membership:
    """The users, roles and keys the log gives, as of the last event read."""

    members: dict[str, Member] = field(default_factory=dict)
    recovery_ed25519: bytes | None = None
    keyfile_digest: str | None = None  # the newest key file the log records
    authority: bytes | None = None  # the current register authority's public key
    authorities: list[bytes] = field(default_factory=list)  # every one, oldest first
    # Each hand-over {previous, authority, signature} (base64), signed by the previous key.
    rotations: list[dict[str, str]] = field(default_factory=list)
    database_id: str | None = None
    signed_from: int | None = None
    first_bad_seq: int | None = None
    problem: str | None = None  # an i18n key: trust.*
    problem_user: str | None = None

    @property
    def ok(self) -> bool:
        return self.first_bad_seq is None

    def active(self, user: str) -> Member | None:
        member = self.members.get(user)
        return member if member is not None and member.active else None

    def role(self, user: str) -> str | None:
        member = self.active(user)
        return member.role if member else None

    def coordinators(self) -> list[str]:
        return [m.user for m in self.members.values() if m.active and m.role == ROLE_COORDINATOR]


class _Row(NamedTuple):  # a tuple: the audit makes one per event
    seq: int
    recorded_at: str
    user: str
    kind: str
    case_code: str | None
    payload: str | None
    payload_hash: str
    chain_hash: str
    signature: str | None


def _key(payload: dict[str, Any], name: str) -> bytes | None:
    value = payload.get(name)
    if not isinstance(value, str):
        return None
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == 32 else None


@functools.lru_cache(maxsize=256)
def _public_key(public: bytes) -> Ed25519PublicKey:
    # A register has a handful of keys and every event is checked against one of them.
    return Ed25519PublicKey.from_public_bytes(public)


COUNTED = "counted"  # a tracker.event/2 signature: it states how many unsigned events it covers
LEGACY = "legacy"  # a tracker.event/1 signature: over the chain hash alone


def signature_valid(
    public: bytes | None, row: _Row, covers: int = 0, *, legacy_first: bool = False
) -> str | None:
    """Which form of signature ``row`` carries (COUNTED or LEGACY), None when neither holds.

    ``covers``: the author's unsigned events directly before ``row``. ``legacy_first``: try the
    old form first (a register whose signatures so far are all old), so each event costs one
    verification either way."""
    if public is None or row.signature is None:
        return None
    try:
        signature = base64.b64decode(row.signature, validate=True)
    except (ValueError, binascii.Error):
        return None
    key = _public_key(public)
    forms = (
        (LEGACY, legacy_signed_message(row.chain_hash)),
        (COUNTED, signed_message(row.chain_hash, covers)),
    )
    for form, message in forms if legacy_first else reversed(forms):
        try:
            key.verify(signature, message)
        except InvalidSignature:
            continue
        return form
    return None


class _Walker:
    """Applies events in seq order to a Membership, checking signatures and authority."""

    def __init__(self) -> None:
        self.state = Membership()
        self._unsigned: list[_Row] = []  # an author's events waiting for her signed one
        self._counted = False  # a counted (tracker.event/2) signature was seen

    def fail(self, seq: int, problem: str, user: str | None = None) -> None:
        if self.state.first_bad_seq is None:
            self.state.first_bad_seq = seq
            self.state.problem = problem
            self.state.problem_user = user

    def signer_key(self, row: _Row, payload: dict[str, Any]) -> bytes | None:
        """The public key that must have signed ``row``."""
        member = self.state.members.get(row.user)
        if row.kind == USER_KEYS_SET and member is not None and member.ed25519 is None:
            return _key(payload, "ed25519")  # the upgrade declares the key it signs with
        if row.kind == PASSPHRASE_RECOVERED:
            return self.state.recovery_ed25519 or _key(payload, "ed25519")
        if row.kind == USER_ADDED and not self.state.coordinators():
            return _key(payload, "ed25519")  # the register's creator adds herself
        return member.ed25519 if member is not None and member.active else None

    def apply(self, row: _Row, *, membership_only: bool = False, parsed: Any = None) -> None:
        """``parsed``: the row's payload when the caller has parsed it already."""
        payload = parsed
        if payload is None:
            try:
                payload = json.loads(row.payload) if row.payload is not None else {}
            except ValueError:
                payload = {}
        if not isinstance(payload, dict):
            payload = {}
        if row.kind not in _STANDING_KINDS and _STANDING_FIELDS.isdisjoint(payload):
            self._apply_ordinary(row, membership_only=membership_only)
            return
        declares_keys = not payload.keys().isdisjoint(_KEY_FIELDS)
        legacy = (
            row.signature is None
            and self.state.signed_from is None
            and not declares_keys
            and (row.kind not in MEMBERSHIP_KINDS or row.kind in _LEGACY_KINDS)
        )
        if row.signature is not None and self.state.signed_from is None:
            self.state.signed_from = row.seq
        if not legacy and not (
            self._check_signature(row, payload, membership_only=membership_only)
            and self._check_authority(row, payload)
        ):
            return  # reported, and never applied: a forged event changes nobody's standing
        self._change(row, payload)

    def _apply_ordinary(self, row: _Row, *, membership_only: bool) -> None:
        """What ``apply`` does with a case event, a code list, an insats and the like, in
        short: its signature (or its batch's) and an author who is a member; nothing changes."""
        if row.signature is None and self.state.signed_from is None:
            return  # legacy: written before signatures
        if row.signature is not None and self.state.signed_from is None:
            self.state.signed_from = row.seq
        if not self._check_signature(row, {}, membership_only=membership_only):
            return
        if self.state.active(row.user) is None:
            self.fail(row.seq, "trust.unknown_author", row.user)

    def _check_signature(
        self, row: _Row, payload: dict[str, Any], *, membership_only: bool
    ) -> bool:
        if row.signature is None:
            if row.kind in MEMBERSHIP_KINDS:
                self.fail(row.seq, "trust.unsigned", row.user)
                return False
            if not membership_only:
                self._unsigned.append(row)
            return True
        covers = len(self._unsigned)
        public = self.signer_key(row, payload)
        form = signature_valid(public, row, covers, legacy_first=not self._counted)
        if form == COUNTED:
            self._counted = True
        if form is None:
            slipped = self._slipped_in(public, row)
            if slipped is None:
                self.fail(row.seq, "trust.bad_signature", row.user)
                return False
            self.fail(slipped.seq, "trust.unsigned", slipped.user)
        elif form == LEGACY and self._counted and covers:
            # An old-form signature states no count: once the register signs with counts, it
            # vouches for no unsigned event before it (an old program would otherwise sign for
            # one slipped in front of it).
            self.fail(self._unsigned[0].seq, "trust.unsigned", self._unsigned[0].user)
        for waiting in self._unsigned:
            if waiting.user != row.user:
                self.fail(waiting.seq, "trust.unsigned", waiting.user)
                break
        self._unsigned.clear()
        return True

    def _slipped_in(self, public: bytes | None, row: _Row) -> _Row | None:
        """When ``row``'s signature holds for fewer unsigned events than wait before it, the
        first of the others was slipped in front of the author's batch; None otherwise."""
        for covers in range(len(self._unsigned) - 1, -1, -1):
            if signature_valid(public, row, covers) == COUNTED:
                return self._unsigned[0]
        return None

    def _check_authority(self, row: _Row, payload: dict[str, Any]) -> bool:
        if self._allowed(row, payload):
            return True
        problem = "trust.unknown_author" if self.state.active(row.user) is None else ""
        self.fail(row.seq, problem or "trust.not_allowed", row.user)
        return False

    def _allowed(self, row: _Row, payload: dict[str, Any]) -> bool:
        state = self.state
        target = str(payload.get("user", ""))
        author = state.active(row.user)
        if row.kind == USER_ADDED and not state.coordinators():
            # The register's creator: she adds herself as its first coordinator.
            return target == row.user and payload.get("role") == ROLE_COORDINATOR
        if author is None:
            return False
        if row.kind in _COORDINATOR_KINDS:
            if author.role != ROLE_COORDINATOR:
                return False
            if row.kind == AUTHORITY_SET and state.authority is not None:
                return self._rotation_valid(payload)
            if row.kind == USER_ADDED:
                return state.active(target) is None
            if row.kind in (ROLE_CHANGED, USER_REMOVED):
                return state.active(target) is not None
            return True
        if row.kind in (USER_KEYS_SET, PASSPHRASE_CHANGED, PASSPHRASE_RECOVERED):
            return target == row.user and not (
                row.kind == USER_KEYS_SET and author.ed25519 is not None
            )
        return True

    def _rotation_valid(self, payload: dict[str, Any]) -> bool:
        """A new register authority must be handed over by the current one."""
        state = self.state
        current = base64.b64encode(state.authority or b"").decode()
        rotation = {
            "previous": payload.get("previous"),
            "authority": payload.get("authority"),
            "signature": payload.get("rotation"),
        }
        return (
            payload.get("previous") == current
            and state.database_id is not None
            and signing.rotation_valid(state.database_id, rotation)
        )

    def _change(self, row: _Row, payload: dict[str, Any]) -> None:
        state = self.state
        digest = payload.get("keyfile_sha256")
        if isinstance(digest, str):
            state.keyfile_digest = digest
        target = str(payload.get("user", ""))
        if row.kind == USER_ADDED:
            state.members[target] = Member(
                target,
                str(payload.get("role", "")),
                x25519=_key(payload, "x25519"),
                ed25519=_key(payload, "ed25519"),
            )
        elif row.kind == ROLE_CHANGED and target in state.members:
            state.members[target].role = str(payload.get("role", ""))
        elif row.kind == USER_REMOVED and target in state.members:
            state.members[target].active = False
        elif row.kind in (USER_KEYS_SET, PASSPHRASE_RECOVERED) and target in state.members:
            if "ed25519" in payload:
                state.members[target].x25519 = _key(payload, "x25519")
                state.members[target].ed25519 = _key(payload, "ed25519")
        elif row.kind in (RECOVERY_KEY_SET, REGISTER_REKEYED) and "recovery_ed25519" in payload:
            state.recovery_ed25519 = _key(payload, "recovery_ed25519")
        if row.kind == "register_created" and isinstance(payload.get("database_id"), str):
            state.database_id = payload["database_id"]
        if row.kind == AUTHORITY_SET:
            authority = _key(payload, "authority")
            if authority is not None:
                if state.authority is not None:
                    state.rotations.append(
                        {
                            "previous": str(payload.get("previous")),
                            "authority": str(payload.get("authority")),
                            "signature": str(payload.get("rotation")),
                        }
                    )
                state.authority = authority
                state.authorities.append(authority)
        if row.kind == RECOVERY_KEY_SET:
            state.recovery_ed25519 = _key(payload, "ed25519")

    def finish(self) -> Membership:
        if self._unsigned:
            self.fail(self._unsigned[0].seq, "trust.unsigned", self._unsigned[0].user)
        return self.state


def _rows(connection: Connection, kinds: tuple[str, ...] | None = None) -> Any:
    query = select(events).order_by(events.c.seq)
    if kinds is not None:
        query = query.where(events.c.kind.in_(kinds))
    return connection.execute(query)


def _as_row(raw: Any) -> _Row:
    return _Row(
        raw.seq,
        raw.recorded_at,
        raw.user,
        raw.kind,
        raw.case_code,
        raw.payload,
        raw.payload_hash,
        raw.chain_hash,
        raw.signature,
    )


def _linked(connection: Connection, row: _Row) -> bool:
    """The row hashes to its own chain hash from its predecessor's (one row read)."""
    previous = GENESIS_HASH
    if row.seq > 1:
        previous = connection.execute(
            select(events.c.chain_hash).where(events.c.seq == row.seq - 1)
        ).scalar_one_or_none()
        if previous is None:
            return False
    if row.payload is not None and payload_hash(row.payload.encode()) != row.payload_hash:
        return False
    link = chain_hash(previous, row.seq, row.recorded_at, row.user, row.kind, row.payload_hash)
    return link == row.chain_hash


def membership(connection: Connection, up_to_seq: int | None = None) -> Membership:
    """Users, roles and keys from the membership events alone (for every login: cheap).

    Each membership event is checked on its own: its hash links to its predecessor and its
    signature and author's authority hold; one that fails is reported (``first_bad_seq``) and
    not applied, so a forged ``role_changed`` raises nobody. Everything else is ``audit
    verify``'s (:func:`verify_log`)."""
    walker = _Walker()
    # In seq order and stopping at the first: an upgraded register's unsigned past is read
    # once, a new register's first event is signed.
    first_signed = connection.execute(
        select(events.c.seq).where(events.c.signature.is_not(None)).order_by(events.c.seq).limit(1)
    ).scalar()
    for raw in _rows(connection, (*MEMBERSHIP_KINDS, "register_created")):
        row = _as_row(raw)
        if up_to_seq is not None and row.seq > up_to_seq:
            break
        if (
            walker.state.signed_from is None
            and first_signed is not None
            and row.seq >= first_signed
        ):
            walker.state.signed_from = first_signed
        if not _linked(connection, row):
            walker.fail(row.seq, "trust.bad_signature", row.user)
            continue  # an edited membership event counts for nothing
        walker.apply(row, membership_only=True)
    return walker.finish()


def verify_events(kept: KeptEvents) -> Membership:
    """:func:`verify_log` over the rows the audit's one walk of the log kept (``eventlog.
    verify_chain``'s ``keep``), in seq order, their payloads already parsed."""
    walker = _Walker()
    apply = walker.apply
    as_row = tuple.__new__  # a chain row has the nine fields of _Row, in its order
    for row, payload in kept:
        apply(as_row(_Row, row), parsed={} if payload is None else payload)
    return walker.finish()


def verify_log(connection: Connection) -> Membership:
    """Every event: signatures (or an author's later signature), authority, membership."""
    walker = _Walker()
    for raw in _rows(connection):
        walker.apply(_as_row(raw))
    return walker.finish()


__all__ = [
    "AUTHORITY_SET",
    "MEMBERSHIP_KINDS",
    "PASSPHRASE_CHANGED",
    "PASSPHRASE_RECOVERED",
    "RECOVERY_KEY_SET",
    "REGISTER_REKEYED",
    "ROLE_CHANGED",
    "USER_ADDED",
    "USER_KEYS_SET",
    "USER_REMOVED",
    "Member",
    "Membership",
    "membership",
    "verify_events",
    "verify_log",
]
