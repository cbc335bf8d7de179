"""The home screen: the case list (issue 3; being built on the tui-cases branch)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, Static


class CaseListScreen(Screen):
    """Placeholder until the case list lands; the app shows it after unlocking."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("…")
        yield Footer()
