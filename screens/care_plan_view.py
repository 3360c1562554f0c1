"""The personalised care and support plan on screen (issue 13): ``w`` in the client
record's DIALOG section. Read-only and scrollable; the same plan as ``duty-desk export
care-plan`` (``duty_desk.care_plan``: the data and its headed sections), every line of it
shown literally (rich ``Text``, never markup). Escape closes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Static

from duty_desk.care_plan import Section, care_plan, plan_sections

from .base import ReportsWorkerErrors
from .closing import DialogFooter
from .literal import assemble, literal

WIDTH = 74  # what a table may take inside the dialog at 80 columns
PRIVACY_REFUSAL = (
    "Privacy mode is on: the care plan holds full names. Turn privacy mode off to see it."
)


def table_lines(rows: Sequence[Sequence[str]], width: int = WIDTH) -> list[str]:
    """Rows (the first the header) in padded columns when they fit ``width``; otherwise
    each row on its own line as "Header: value; ..." (nothing cut off)."""
    header, *body = rows
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(header))]
    if sum(widths) + 2 * (len(widths) - 1) <= width:
        return [
            "  ".join(str(value).ljust(w) for value, w in zip(row, widths, strict=True)).rstrip()
            for row in rows
        ]
    return ["- " + "; ".join(f"{h}: {v}" for h, v in zip(header, row, strict=True)) for row in body]


def plan_text(title: str, sections: Sequence[Section]) -> Text:
    """The plan as one ``Text``: headings bold, every line literal."""
    text = Text(end="")
    text.append_text(literal(title, "bold"))
    for section in sections:
        text.append("\n\n")
        text.append_text(literal(section.heading, "bold underline"))
        lines = [*section.paragraphs]
        if section.table:
            lines += table_lines(section.table)
        lines += section.after
        for line in lines:
            text.append("\n")
            text.append_text(literal(line, multiline=True))
    return text


class CarePlanView(ReportsWorkerErrors, ModalScreen[None]):
    """The client's care and support plan, read in a worker; escape closes."""

    CSS_PATH = "forms.tcss"
    DEFAULT_CSS = "CarePlanView { align: center middle; }"
    BINDINGS = [
        Binding("escape,q", "close", "Close", id="care_plan_close"),
        Binding("home", "top", "Top", show=False, id="care_plan_top"),
    ]
    """
    | key      | id              | action                               |
    |----------|-----------------|--------------------------------------|
    | escape q | care_plan_close | close                                |
    | home     | care_plan_top   | back to the top                      |
    Up, down, page up and page down scroll the plan.
    """

    @dataclass
    class Loaded(Message):
        plan: Mapping[str, Any]

    def __init__(self, client_id: int, subject: str) -> None:
        super().__init__()
        self.client_id = client_id
        self.subject = subject
        self.plan: Mapping[str, Any] | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog"):
            yield Static(
                assemble(("Care and support plan of ", "bold"), literal(self.subject, "bold")),
                id="form-title",
            )
            yield Static(Text("Loading the plan...", end=""), id="care-plan-text")
        yield DialogFooter()

    def on_mount(self) -> None:
        self.query_one("#dialog", VerticalScroll).focus()
        self.load()

    @work(thread=True, exit_on_error=False, group="care-plan", description="load the care plan")
    def load(self) -> None:
        repo = self.app.repo  # type: ignore[attr-defined]
        self.post_message(self.Loaded(care_plan(repo, self.client_id)))

    def on_care_plan_view_loaded(self, message: Loaded) -> None:
        self.plan = message.plan
        made = plan_text("Written with the person; read-only here.", plan_sections(message.plan))
        self.query_one("#care-plan-text", Static).update(made)

    def action_top(self) -> None:
        self.query_one("#dialog", VerticalScroll).scroll_home(animate=False)

    def action_close(self) -> None:
        self.dismiss(None)
