"""The question at the end of every meeting, "When would you like to meet again?": the
booking dialog (``screens/booking.py``) with the core team and place filled in as always,
opened by the meeting-record flow right after a meeting is recorded.

Enter (or ``ctrl+s``) on an empty time skips it: no next meeting is booked, and the
opener says so by name (hazard H52: a booking skipped by accident is told, never silent).
Anything typed is checked and booked as in the booking dialog.
"""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.widgets import Input

from .booking import HINT_CHECK, BookingDialog

TITLE = "When would you like to meet again?"
HINT_SKIP = "Enter on an empty time: no next meeting now (you can book one later with b)."


class NextMeetingDialog(BookingDialog):
    """Book the next meeting of the client just seen; an empty time skips (dismisses None)."""

    def __init__(self, client_id: int, show_day: dt.date | None = None) -> None:
        super().__init__(client_id, show_day=show_day)
        self.form_title = TITLE

    def on_mount(self) -> None:
        # Textual calls BookingDialog.on_mount after this one (it shows HINT_CHECK): later.
        self.call_later(self._hint, Text(f"{HINT_CHECK}\n{HINT_SKIP}", end=""))

    def action_save(self) -> None:
        if not self.saving and not self.query_one("#field-when", Input).value.strip():
            self.dismiss(None)
            return
        super().action_save()
