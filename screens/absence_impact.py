"""What a staff absence affects: every open episode with them in its core team, each
booked meeting in the absence that expects them, and suggested cover from the rest
of the core team (then anyone with room). Read-only; escape closes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from duty_desk.views import AbsenceView

from . import board_render as render
from .base import ReportsWorkerErrors


class AbsenceImpact(ReportsWorkerErrors, ModalScreen[None]):
    """Loads ``repo.absence_impact`` in a worker and lists it."""

    CSS_PATH = "forms.tcss"
    DEFAULT_CSS = "AbsenceImpact { align: center middle; }"
    BINDINGS = [
        Binding("escape,q,enter", "dismiss", "Close", id="impact_close"),
    ]
    """
    | key           | id           | action     |
    |---------------|--------------|------------|
    | escape q enter| impact_close | close      |
    | up/down       | (Textual)    | scroll     |
    """

    @dataclass
    class Loaded(Message):
        impact: list[Any]
        absence: AbsenceView | None
        tags: dict[int, str]

    def __init__(self, absence_id: int) -> None:
        super().__init__()
        self.absence_id = absence_id

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(
                Text("Absence recorded: who and what it affects", style="bold"), id="form-title"
            )
            with VerticalScroll(id="history"):
                yield Static(Text("Loading..."), id="impact-body")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#history", VerticalScroll).focus()
        self.load()

    @work(thread=True, exit_on_error=False, group="impact", description="load absence impact")
    def load(self) -> None:
        repo = self.app.repo  # type: ignore[attr-defined]
        impact = repo.absence_impact(self.absence_id)
        absence = next((a for a in repo.absences() if a.id == self.absence_id), None)
        tags = render.staff_tags(repo.list_staff(include_inactive=True))
        self.post_message(self.Loaded(list(impact), absence, tags))

    def on_absence_impact_loaded(self, message: Loaded) -> None:
        config = self.app.config  # type: ignore[attr-defined]
        self.query_one("#impact-body", Static).update(
            render.impact_text(message.impact, message.absence, config, message.tags)
        )
