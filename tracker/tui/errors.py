"""One clear line for any failure a screen meets; never a traceback, never the error's text."""

from __future__ import annotations

from tracker.services import errors
from tracker.tui.localise import current_language, tr


def describe(error: BaseException) -> str:
    """The message to show for ``error`` in the app's language."""
    known = errors.message(error, current_language())
    if known is not None:
        return known
    if errors.is_damaged_database(error):
        return tr("tui.database_damaged")
    if isinstance(error, OSError):
        return tr("tui.os_error", detail=error.strerror or type(error).__name__)
    # The exception's own text could carry anything, secrets included: name its kind only.
    return tr("tui.unexpected", kind=type(error).__name__)
