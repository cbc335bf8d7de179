"""Board-report use cases: the suppression threshold, the förbund's name, signing and recording
an export (the bundle itself is built in tracker.reports.bundle)."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any, TypeVar

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from tracker.domain.errors import RuleError
from tracker.domain.periods import Period
from tracker.domain.personnummer import check_free_text
from tracker.i18n import t
from tracker.services.session import (
    ROLE_COORDINATOR,
    ROLE_REVIEWER,
    PermissionDenied,
    ServiceError,
    Session,
    Transaction,
)
from tracker.store import signing
from tracker.store.database import set_meta
from tracker.store.schema import events, meta

# metrics.md, "Small-count suppression": default 5, never below 3. The same values as
# tracker.reports.suppression (a layer above, so not importable here; a test ties them).
DEFAULT_SUPPRESSION_THRESHOLD = 5
MIN_SUPPRESSION_THRESHOLD = 3
# A threshold far above any cell would hide the whole report; a typo is likelier than intent.
MAX_SUPPRESSION_THRESHOLD = 100
MAX_FORBUND_LENGTH = 120

THRESHOLD_META = "suppression_threshold"
FORBUND_META = "forbund"
# The cell-key method's secret (tracker.reports.cellkey): 32 random bytes, hex, made once.
CELL_KEY_SECRET_META = "cell_key_secret"

SUPPRESSION_THRESHOLD_SET = "suppression_threshold_set"
FORBUND_SET = "forbund_set"  # {"forbund": name, "previous": name or null}
REPORT_EXPORTED = "report_exported"
# A cell starting with one of these is a formula to Excel and LibreOffice (=HYPERLINK(…)).
FORMULA_STARTS = ("=", "+", "-", "@")

# Who may export figures without suppression (metrics.md): never staff.
UNSUPPRESSED_ROLES = (ROLE_COORDINATOR, ROLE_REVIEWER)

T = TypeVar("T")


def suppression_threshold(session: Session) -> int:
    """The register's suppression threshold (default 5)."""
    stored = session.register.meta(THRESHOLD_META)
    if stored is None:
        return DEFAULT_SUPPRESSION_THRESHOLD
    return int(stored)


def parse_threshold(value: int | str) -> int:
    """A threshold from user input, refused with a clear message when not a whole number 3–100."""
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ServiceError(
            "report.threshold_invalid",
            minimum=MIN_SUPPRESSION_THRESHOLD,
            maximum=MAX_SUPPRESSION_THRESHOLD,
        ) from None
    if number < MIN_SUPPRESSION_THRESHOLD:
        raise ServiceError("report.threshold_too_low", minimum=MIN_SUPPRESSION_THRESHOLD)
    if number > MAX_SUPPRESSION_THRESHOLD:
        raise ServiceError("report.threshold_too_high", maximum=MAX_SUPPRESSION_THRESHOLD)
    return number


def set_suppression_threshold(session: Session, threshold: int | str) -> int:
    """A coordinator sets the register's threshold; the change is recorded in the audit log."""
    session.require_role(ROLE_COORDINATOR)
    value = parse_threshold(threshold)
    previous = suppression_threshold(session)
    with session.transaction() as tx:
        tx.append(SUPPRESSION_THRESHOLD_SET, {"threshold": value, "previous": previous})
        set_meta(tx.connection, THRESHOLD_META, str(value))
    return value


def forbund(session: Session) -> str | None:
    """The samordningsförbund's name remembered for report title pages, if any."""
    return session.register.meta(FORBUND_META)


def check_forbund(name: str) -> str:
    """The förbund's name with its spaces tidied, checked like every other text: not empty, not
    too long, no personnummer, and no leading ``=``, ``+``, ``-`` or ``@`` (which a spreadsheet
    would run as a formula on the board's XLSX)."""
    cleaned = " ".join(name.split())
    if not cleaned:
        raise ServiceError("report.forbund_empty")
    if len(cleaned) > MAX_FORBUND_LENGTH:
        raise ServiceError("report.forbund_too_long", maximum=MAX_FORBUND_LENGTH)
    violation = check_free_text(cleaned, "forbund")
    if violation:
        raise RuleError([violation])
    if cleaned.startswith(FORMULA_STARTS):
        raise ServiceError("report.forbund_formula", sign=cleaned[0])
    return cleaned


def may_set_forbund(session: Session) -> bool:
    """Whether the logged-in user may change the förbund's name (for hiding the field)."""
    return session.actor.role == ROLE_COORDINATOR


def set_forbund(session: Session, name: str) -> str:
    """A coordinator sets the förbund's name for the reports' title pages (recorded in the log)."""
    session.require_role(ROLE_COORDINATOR)
    cleaned = check_forbund(name)
    previous = forbund(session)
    with session.transaction() as tx:
        record_forbund(tx, cleaned, previous)
    return cleaned


def record_forbund(tx: Transaction, name: str, previous: str | None) -> None:
    """The setting and its event, in the caller's transaction (also the first-run wizard's)."""
    tx.append(FORBUND_SET, {"forbund": name, "previous": previous})
    set_meta(tx.connection, FORBUND_META, name)


def cell_key_secret(session: Session) -> bytes:
    """The register's secret for the cell-key method's record keys, made on first use and
    never changed: it lives only in the encrypted register, so the same participants get the
    same record keys in every export, and a reviewer's recount reproduces every figure."""
    stored = session.register.meta(CELL_KEY_SECRET_META)
    if stored is None:
        with session.register.write() as connection:
            # Another process may have made it since we looked: the first one stays.
            query = select(meta.c.value).where(meta.c.key == CELL_KEY_SECRET_META)
            if connection.execute(query).scalar() is None:
                set_meta(connection, CELL_KEY_SECRET_META, secrets.token_hex(32))
        stored = session.register.meta(CELL_KEY_SECRET_META)
    assert stored is not None
    return bytes.fromhex(stored)


def export_selection(insatser: Sequence[str] | None) -> list[str] | None:
    """How an export's insats choice is recorded: the names sorted, or None for all."""
    return sorted(insatser) if insatser else None


def frozen_head(session: Session, period: Period, insatser: Sequence[str] | None) -> int | None:
    """The audit head a closed period's board figures are frozen at: that of the first board
    export of the same period and insats choice made after the period ended (its
    ``report_exported`` event says so). None when the period has not ended (its figures are
    preliminary) or has no such export yet: the figures are computed at the head.

    So exporting a closed period again after late events re-issues the same figures (the late
    events reach the next report's comparison period), and no re-export isolates one event."""
    if session.today() <= period.last:
        return None
    selection = export_selection(insatser)
    query = (
        select(events.c.recorded_at, events.c.payload)
        .where(events.c.kind == REPORT_EXPORTED)
        .order_by(events.c.seq)
    )
    with session.read() as connection:
        rows = list(connection.execute(query))
    for recorded_at, text in rows:
        payload = json.loads(text) if text else {}
        if (
            payload.get("period") == period.label
            and payload.get("threshold") is not None
            and "selection" in payload
            and payload["selection"] == selection
            and date.fromisoformat(str(recorded_at)[:10]) > period.last
        ):
            return int(payload["as_of"])
    return None


def may_export_unsuppressed(session: Session) -> bool:
    """Whether the logged-in user may export without suppression (for hiding the option)."""
    return session.actor.role in UNSUPPRESSED_ROLES


def require_unsuppressed_allowed(session: Session) -> None:
    """Unsuppressed figures are for coordinators and reviewers only (metrics.md)."""
    if not may_export_unsuppressed(session):
        raise PermissionDenied(
            "report.unsuppressed_refused",
            user=session.actor.user,
            role=t(f"role.{session.actor.role}"),
        )


def _signing_key(session: Session) -> Ed25519PrivateKey:
    if session.authority is not None:
        return session.authority
    if session.signer is None:
        raise PermissionDenied(
            "service.role_refused", user=session.actor.user, role=t(f"role.{session.actor.role}")
        )
    return session.signer


def public_key(session: Session) -> signing.PublicKey:
    """The key a bundle this user exports is signed with: the register authority for a
    coordinator (what reviewers pin), the user's own key for anyone else (``verify --key`` with
    the register's fingerprint refuses such a bundle; the board takes a coordinator's)."""
    return signing.PublicKey(_signing_key(session).public_key().public_bytes_raw())


def sign(session: Session, data: bytes) -> bytes:
    """An Ed25519 signature over ``data`` with :func:`public_key`'s private half."""
    return _signing_key(session).sign(data)


def record_export(session: Session, payload: Mapping[str, Any], write: Callable[[], T]) -> T:
    """Record a report export in the audit log and run ``write`` (which writes the bundle) in
    the same transaction: if writing fails, no export is recorded; if recording fails, the
    caller's ``write`` has not run or its file is the caller's to remove."""
    with session.transaction() as tx:
        tx.append(REPORT_EXPORTED, dict(payload))
        return write()


__all__ = [
    "DEFAULT_SUPPRESSION_THRESHOLD",
    "FORBUND_SET",
    "MAX_SUPPRESSION_THRESHOLD",
    "MIN_SUPPRESSION_THRESHOLD",
    "REPORT_EXPORTED",
    "SUPPRESSION_THRESHOLD_SET",
    "cell_key_secret",
    "check_forbund",
    "export_selection",
    "forbund",
    "frozen_head",
    "may_export_unsuppressed",
    "may_set_forbund",
    "parse_threshold",
    "public_key",
    "record_export",
    "record_forbund",
    "require_unsuppressed_allowed",
    "set_forbund",
    "set_suppression_threshold",
    "sign",
    "suppression_threshold",
]
