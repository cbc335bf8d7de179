"""What every screen may ask of the app that hosts it.

Screens never keep a Session: the app drops it when it locks (so the data key leaves the
process as far as Python allows) and opens a new one after unlocking. A screen asks the app
for the current session each time it calls a service.
"""

from __future__ import annotations

from typing import Protocol

from tracker.services.session import Session


class SessionHost(Protocol):
    lang: str

    @property
    def session(self) -> Session:
        """The open session; only called while the app is unlocked."""
        ...
