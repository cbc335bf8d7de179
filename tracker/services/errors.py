"""Failures from the layers below, in words: what an interface above the services may show.

The TUI must not import the store, yet has to tell a wrong passphrase from a tampered key file
or a damaged database. These helpers classify an exception and give its one-line message.
"""

from __future__ import annotations

from tracker.domain.errors import RuleError
from tracker.i18n import t
from tracker.services.session import ServiceError
from tracker.store import keyfile
from tracker.store.database import NotATrackerDatabase
from tracker.store.engine import WrongDataKey
from tracker.store.errors import RegisterBusy, RegisterDamaged, StoreError, classify
from tracker.store.filesystem import NetworkFileSystemError


def is_wrong_credentials(error: BaseException) -> bool:
    """A wrong user name or passphrase (the only failure worth a delay before the next try)."""
    return isinstance(error, keyfile.WrongCredentials)


def is_damaged_database(error: BaseException) -> bool:
    """The database file cannot be read: damaged pages, or not this key file's register.

    Busy, full, read-only and I/O failures are not damage (their own messages say what to do).
    """
    if isinstance(error, WrongDataKey | NotATrackerDatabase):
        return True
    return isinstance(classify(error), RegisterDamaged)


def is_busy(error: BaseException) -> bool:
    """Another process holds the register's write lock (worth trying again shortly)."""
    return isinstance(classify(error), RegisterBusy)


def store_error(error: BaseException) -> StoreError | None:
    """The file or database failure ``error`` stands for (busy, disk full, read-only, damaged,
    I/O), or None; its ``exit_code`` is the command line's."""
    return classify(error)


def is_invalid_user_name(error: BaseException) -> bool:
    """A user name the key file cannot hold (1–32 of a–z, 0–9, dot, underscore, hyphen)."""
    return isinstance(error, keyfile.InvalidUserName)


def message(error: BaseException, lang: str | None = None) -> str | None:
    """The error's own message in ``lang``, or None when it has none a user should see."""
    if isinstance(error, RuleError):
        return "\n".join(violation.message(lang) for violation in error.violations)
    if isinstance(error, ServiceError | keyfile.KeyFileError | NetworkFileSystemError):
        return error.message(lang)
    if isinstance(error, WrongDataKey | NotATrackerDatabase):
        return t("store.database_key_mismatch", lang)
    found = classify(error)
    if found is not None:
        return found.message(lang)
    return None
