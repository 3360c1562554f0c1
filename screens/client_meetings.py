"""One client's meetings, oldest first (booked, happened, cancelled, did not attend).

Enter on a meeting closes the list and opens that day in the day view with
the cursor on the meeting; escape closes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from duty_desk import timeutil
from duty_desk.views import MeetingView

from . import board_render as render
from .base import ReportsWorkerErrors
from .closing import DialogFooter
from .literal import assemble, literal

COLUMNS = (
    ("when", "When", 21),
    ("place", "Place", 6),
    ("status", "Status", 10),
    ("staff", "Staff", 30),
)


class ClientMeetings(ReportsWorkerErrors, ModalScreen["MeetingView | None"]):
    """Dismisses with the chosen meeting (to show its day), or None."""

    CSS_PATH = "forms.tcss"
    DEFAULT_CSS = "ClientMeetings { align: center middle; }"
    BINDINGS = [
        Binding("enter", "open_day", "Its day", id="meetings_open_day", priority=True),
        Binding("escape,q", "close", "Close", id="meetings_close"),
    ]
    """
    | key      | id                | action                                    |
    |----------|-------------------|-------------------------------------------|
    | enter    | meetings_open_day | the meeting's day in the day view         |
    | escape q | meetings_close    | close                                     |
    """

    @dataclass
    class Loaded(Message):
        meetings: tuple[MeetingView, ...]

    def __init__(self, client_id: int, subject: str, tags: Mapping[int, str]) -> None:
        super().__init__()
        self.client_id = client_id
        self.subject = subject
        self.tags = dict(tags)
        self.meetings: dict[str, MeetingView] = {}

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(
                assemble(("Meetings of ", "bold"), literal(self.subject, "bold")), id="form-title"
            )
            yield DataTable(id="meetings", cursor_type="row", cell_padding=0)
            yield Static(Text("Loading...", end=""), id="meetings-note")
        yield DialogFooter()

    def on_mount(self) -> None:
        table = self.query_one("#meetings", DataTable)
        table.styles.height = "auto"
        table.styles.max_height = 15
        for key, header, width in COLUMNS:
            table.add_column(Text(" " + header, style="bold"), key=key, width=width + 1)
        table.focus()
        self.load()

    @work(thread=True, exit_on_error=False, group="meetings", description="load meetings")
    def load(self) -> None:
        repo = self.app.repo  # type: ignore[attr-defined]
        self.post_message(self.Loaded(tuple(repo.meetings_for_client(self.client_id))))

    def on_client_meetings_loaded(self, message: Loaded) -> None:
        tz = self.app.config.team.timezone  # type: ignore[attr-defined]
        table = self.query_one("#meetings", DataTable)
        upcoming = None
        now = timeutil.now()
        for meeting in message.meetings:
            cells = render.meeting_cells(meeting, tz, self.tags)
            key = str(meeting.id)
            table.add_row(*(cells[k] for k, _, _ in COLUMNS), key=key)
            self.meetings[key] = meeting
            if upcoming is None and meeting.starts_at >= now and meeting.status == "booked":
                upcoming = key
        note = self.query_one("#meetings-note", Static)
        if not message.meetings:
            note.update(Text("No meetings yet: b on the board books one.", end=""))
        else:
            happened = sum(1 for m in message.meetings if m.status == "happened")
            note.update(
                Text(
                    f"{len(message.meetings)} meetings, {happened} happened. "
                    "Enter: its day in the day view.",
                    end="",
                )
            )
        if upcoming is not None:
            table.move_cursor(row=table.get_row_index(upcoming))
        elif table.row_count:
            table.move_cursor(row=table.row_count - 1)

    def action_open_day(self) -> None:
        table = self.query_one("#meetings", DataTable)
        if table.row_count == 0:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        self.dismiss(self.meetings.get(key or ""))

    def action_close(self) -> None:
        self.dismiss(None)

    @on(DataTable.RowSelected)
    def _selected(self) -> None:
        self.action_open_day()
