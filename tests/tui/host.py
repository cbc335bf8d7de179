"""A tiny app hosting the case screens the way the real TrackerApp does (tracker.tui.host)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from support import PASSPHRASE, TODAY
from textual.app import App

from tracker.services import registers
from tracker.services.session import Session
from tracker.tui.cases import CaseListScreen


class HostApp(App[None]):
    """Opens a session on a real encrypted register and shows the case list."""

    TITLE = "tracker"

    def __init__(self, db_path: Path, *, user: str = "anna", lang: str = "sv") -> None:
        super().__init__()
        self.lang = lang
        self._db_path = db_path
        self._user = user
        self._session: Session | None = None
        self.messages: list[str] = []  # every notification, so tests can read what staff saw

    @property
    def session(self) -> Session:
        if self._session is None:
            self._session = registers.open_session(
                self._db_path, user=self._user, passphrase=PASSPHRASE, today=lambda: TODAY
            )
        return self._session

    def notify(self, message: str, **kwargs: Any) -> None:  # type: ignore[override]
        self.messages.append(message)
        super().notify(message, **kwargs)

    def on_mount(self) -> None:
        self.push_screen(CaseListScreen())

    def on_unmount(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None
