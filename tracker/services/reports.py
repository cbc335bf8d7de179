"""Board-report use cases: the suppression threshold, the förbund's name, signing and recording
an export (the bundle itself is built in tracker.reports.bundle)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from tracker.domain.case import RuleError
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

# metrics.md, "Small-count suppression": default 5, never below 3. The same values as
# tracker.reports.suppression (a layer above, so not importable here; a test ties them).
DEFAULT_SUPPRESSION_THRESHOLD = 5
MIN_SUPPRESSION_THRESHOLD = 3
# A threshold far above any cell would hide the whole report; a typo is likelier than intent.
MAX_SUPPRESSION_THRESHOLD = 100
MAX_FORBUND_LENGTH = 120

THRESHOLD_META = "suppression_threshold"
FORBUND_META = "forbund"

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


def public_key(session: Session) -> signing.PublicKey:
    with session.read() as connection:
        return signing.public_key(connection)


def sign(session: Session, data: bytes) -> bytes:
    """The register's Ed25519 signature over ``data`` (any logged-in user may sign an export:
    the signature says which register it came from, not who made it; the audit log says who)."""
    with session.read() as connection:
        return signing.sign(connection, data)


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
    "check_forbund",
    "forbund",
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
