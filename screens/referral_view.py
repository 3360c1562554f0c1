"""The original referral of a client, as received and decided; ``h`` its history."""

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

from duty_desk.views import ReferralView

from . import board_render as render
from .base import ReportsWorkerErrors
from .closing import DialogFooter
from .literal import assemble, literal


class ReferralScreen(ReportsWorkerErrors, ModalScreen[None]):
    """Read-only; loads in a worker; escape closes."""

    CSS_PATH = "forms.tcss"
    DEFAULT_CSS = "ReferralScreen { align: center middle; }"
    BINDINGS = [
        Binding("h", "referral_history", "History", id="referral_history"),
        Binding("escape,q", "dismiss", "Close", id="referral_close"),
    ]
    """
    | key      | id               | action                          |
    |----------|------------------|---------------------------------|
    | h        | referral_history | the referral's audit history    |
    | escape q | referral_close   | close                           |
    """

    @dataclass
    class Loaded(Message):
        referral: ReferralView

    def __init__(self, referral_id: int, subject: str) -> None:
        super().__init__()
        self.referral_id = referral_id
        self.subject = subject

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(
                assemble(("Original referral of ", "bold"), literal(self.subject, "bold")),
                id="form-title",
            )
            with VerticalScroll(id="history"):
                yield Static(Text("Loading..."), id="referral-body")
        yield DialogFooter()

    def on_mount(self) -> None:
        self.query_one("#history", VerticalScroll).focus()
        self.load()

    @work(thread=True, exit_on_error=False, group="referral", description="load referral")
    def load(self) -> None:
        self.post_message(self.Loaded(self.app.repo.referral(self.referral_id)))  # type: ignore[attr-defined]

    def on_referral_screen_loaded(self, message: Loaded) -> None:
        config = self.app.config  # type: ignore[attr-defined]
        self.query_one("#referral-body", Static).update(
            render.referral_text(message.referral, config)
        )

    def action_referral_history(self) -> None:
        from .history import HistoryScreen

        self.app.push_screen(HistoryScreen(self.referral_id, self.subject))
