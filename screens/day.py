"""Today's meeting slots (placeholder until the day view lands)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Static


class DayScreen(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Static("Meeting slots: coming soon")
        yield Footer()
