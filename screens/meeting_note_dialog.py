"""Adding to a meeting's note: a new entry with its own time and author, under what is
there already (shown, oldest first, with each entry's time and author). What was written
is never changed or overwritten. The meeting is named at the top (client, date and time,
place: hazard H49)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from duty_desk import timeutil
from duty_desk.views import MeetingNoteView, MeetingView

from .attendance_dialog import meeting_intro
from .forms import FormScreen
from .literal import literal
from .widgets import NotesArea


def note_lines(notes: Sequence[MeetingNoteView], tz: str) -> Text:
    """Each entry of a note: ``Tue 24 Nov 10:05, duty1`` then its text, literally."""
    text = Text(end="")
    for index, note in enumerate(notes):
        if index:
            text.append("\n")
        text.append(timeutil.fmt_local(note.created_at, tz, "day"), style="bold")
        text.append(f", {note.created_by}\n", style="bold")
        text.append_text(literal(note.text, multiline=True))
    return text


class MeetingNoteDialog(FormScreen[int]):
    """Dismisses with the new entry's id, None when closed without."""

    FIELDS = ("note",)
    CONFIRM = "Add to the note"
    DEFAULT_CSS = """
    MeetingNoteDialog #field-note { height: 5; }
    MeetingNoteDialog #so-far { height: auto; max-height: 8; overflow-y: auto; }
    """

    def __init__(self, meeting: MeetingView, notes: Sequence[MeetingNoteView], tz: str) -> None:
        super().__init__("Add to the meeting's note")
        self.meeting = meeting
        self.notes = tuple(notes)
        self.tz = tz

    def compose_intro(self) -> ComposeResult:
        intro = meeting_intro(self.meeting, self.tz, self.app.config)  # type: ignore[attr-defined]
        intro.append("\nThe note so far (kept as written; ctrl+s adds the new entry):")
        yield Static(intro, id="intro")
        so_far = note_lines(self.notes, self.tz) if self.notes else Text("(no note yet)")
        yield Static(so_far, id="so-far")

    def compose_fields(self) -> ComposeResult:
        yield from self.field(
            "note", "Add", NotesArea(soft_wrap=True, show_line_numbers=False, compact=True)
        )

    def save_values(self, values: Mapping[str, str]) -> int:
        repo: Any = self.app.repo  # type: ignore[attr-defined]
        return int(repo.add_meeting_note(self.meeting.id, values["note"]))
