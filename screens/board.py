"""The clinician continuity board (placeholder until the board screen lands)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Static


class BoardScreen(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Static("Continuity board: coming soon")
        yield Footer()
