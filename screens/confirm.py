"""A yes/no question, e.g. whether to take over someone else's triage."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from .closing import DialogFooter
from .key_order import OpensForKeys


class ConfirmDialog(OpensForKeys, ModalScreen[bool]):
    """Dismisses with True (yes) or False (no)."""

    CSS_PATH = "forms.tcss"
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm_yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm_no"),
    ]
    """
    | key      | id          | action |
    |----------|-------------|--------|
    | y        | confirm_yes | yes    |
    | n escape | confirm_no  | no     |
    """

    def __init__(self, title: str, question: Text, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.title_text = title
        self.question = question
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Text(self.title_text, style="bold"), id="form-title")
            yield Static(self.question, id="intro")
            with Horizontal(id="buttons"):
                yield Button(f"{self.yes} (y)", id="yes", variant="warning", compact=True)
                yield Button(f"{self.no} (n)", id="no", compact=True)
        yield DialogFooter()

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")
