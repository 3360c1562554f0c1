"""A record's history from the audit log: when (team time), who, what, and each field's change.

A referral's by default; ``entity`` names another kind (client, meeting, staff)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Static

from duty_desk.views import AuditEntry

from .base import ReportsWorkerErrors
from .closing import DialogFooter
from .literal import assemble, literal
from .render import history_text


class HistoryScreen(ReportsWorkerErrors, ModalScreen[None]):
    """Read-only; loads in a worker and closes with escape."""

    CSS_PATH = "forms.tcss"
    BINDINGS = [
        Binding("escape,q,h", "dismiss", "Close", id="history_close"),
    ]
    """
    | key        | id            | action            |
    |------------|---------------|-------------------|
    | escape q h | history_close | close the history |
    | up/down    | (Textual)     | scroll            |
    """

    @dataclass
    class Loaded(Message):
        entries: tuple[AuditEntry, ...]
        staff: dict[int, str]

    ENTITY = "referral"

    def __init__(self, referral_id: int, subject: str, entity: str | None = None) -> None:
        super().__init__()
        self.referral_id = referral_id  # the record's id (a referral's, unless ``entity``)
        self.subject = subject
        self.entity = entity or self.ENTITY

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(
                assemble(("History of ", "bold"), literal(self.subject, "bold")), id="form-title"
            )
            with VerticalScroll(id="history"):
                yield Static(Text("Loading..."), id="history-body")
        yield DialogFooter()

    def on_mount(self) -> None:
        self.query_one("#history", VerticalScroll).focus()
        self.load()

    @work(thread=True, exit_on_error=False, group="history", description="load history")
    def load(self) -> None:
        repo = self.app.repo  # type: ignore[attr-defined]
        entries = tuple(repo.history(self.entity, self.referral_id))
        staff = {member.id: member.login for member in repo.list_staff(include_inactive=True)}
        self.post_message(self.Loaded(entries, staff))

    def on_history_screen_loaded(self, message: Loaded) -> None:
        config = self.app.config  # type: ignore[attr-defined]
        self.query_one("#history-body", Static).update(
            history_text(message.entries, config, message.staff)
        )
