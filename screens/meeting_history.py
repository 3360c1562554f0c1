"""A meeting's history from the audit log: booked, moved, cancelled, recorded; who and when."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from duty_desk.views import MeetingView

from .closing import DialogFooter
from .history import HistoryScreen
from .literal import assemble, literal


class MeetingHistory(HistoryScreen):
    """The referral history screen, for one meeting (same keys: escape, q or h closes)."""

    def __init__(self, meeting: MeetingView, tz: str) -> None:
        super().__init__(meeting.id, meeting.client_name, entity="meeting")
        self.meeting = meeting
        self.tz = tz

    def compose(self) -> ComposeResult:
        from duty_desk.timeparse import describe_slot

        when = describe_slot(self.meeting.starts_at, self.meeting.ends_at, self.tz)
        with Vertical(id="dialog"):
            yield Static(
                assemble(("Meeting history: ", "bold"), literal(self.subject, "bold"), f", {when}"),
                id="form-title",
            )
            with VerticalScroll(id="history"):
                yield Static(Text("Loading..."), id="history-body")
        yield DialogFooter()
