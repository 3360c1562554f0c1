"""The question at the end of every meeting, "When would you like to meet again?", opened by
the meeting-record flow right after a meeting is recorded.

A small dialog, so the question is on screen the moment the meeting is saved: the client,
one line for the time, and a line saying who and where, filled in as the booking dialog
fills them (``screens/booking.py``: the core team, the network members who take part, the
place of the last meeting and its address, the usual length).

- Enter (or ``ctrl+s``) on an empty time skips it: no next meeting is booked, and the
  opener says so by name (hazard H52: a booking skipped by accident is told, never silent).
- Anything typed is checked and booked exactly as in the booking dialog: this dialog *is*
  one (:class:`NextMeetingDialog` extends :class:`~screens.booking.BookingDialog`), with
  the people and place read from the defaults instead of from tick boxes and a list. The
  check, the warnings and their reason, the next free slot (``ctrl+n``), the booking and
  a refusal are the booking dialog's own code.
- ``ctrl+o`` opens the whole booking form over it with the time typed so far, to change
  who comes or where; a booking made there closes both, escape there comes back here.

The meeting-record flow opens it *before* the meeting record (``waiting``), hidden under it
(see-through, its dialog not shown, nothing read), so the question is ready to be shown the
moment the meeting is saved: :meth:`NextMeetingDialog.reveal`, called as the record closes,
shows it in the frame that closes the record, and only then reads who and where (a network
member added on the spot, the place of the meeting just recorded are in it).
"""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.color import Color
from textual.widgets import Input, Static
from textual.worker import Worker

from duty_desk import vocabulary
from duty_desk.views import BookingDefaults

from .booking import HINT_CHECK, Booked, BookingDialog, prefilled_place
from .flag_marker import subject
from .key_line import KeyLine
from .literal import assemble, literal
from .network_words import consent_short
from .widgets import TextInput

TITLE = "When would you like to meet again?"
HINT_SKIP = "Enter on an empty time: no next meeting now (you can book one later with b)."


def who_and_where(defaults: BookingDefaults, tags: dict[int, str], minutes: int) -> Text:
    """``With: DW Dana Worker, PW Pat Peer; network: Mum (share: yes)`` and ``Place: Home
    visit, 1 Road (60 minutes)``: what a booking from this dialog books."""
    text = Text(end="")
    text.append("With: ", style="bold")
    if not defaults.staff:
        text.append("no core team: set one on the board", style="bold")
    for position, staff in enumerate(defaults.staff):
        if position:
            text.append(", ")
        text.append_text(assemble(literal(tags.get(staff.id, staff.login), "bold"), " "))
        text.append_text(literal(staff.name))
    invited = [member for member in defaults.network if member.takes_part]
    if invited:
        text.append("; network: ")
        for position, member in enumerate(invited):
            if position:
                text.append(", ")
            text.append_text(literal(member.name))
            text.append_text(assemble(" (", consent_short(member), ")"))
    place, address = prefilled_place(defaults)
    text.append("\nPlace: ", style="bold")
    text.append(vocabulary.PLACE_LONG.get(place, place))  # type: ignore[call-overload]
    if place == "home" and address:
        text.append(", ")
        text.append_text(literal(address))
    text.append(f" ({minutes} minutes)")
    return text


class NextMeetingDialog(BookingDialog):
    """Book the next meeting of the client just seen; an empty time skips (dismisses None)."""

    FIELDS = ("when", "reason")
    BINDINGS = [
        Binding("ctrl+o", "full_form", "Who/where", id="next_meeting_form", priority=True),
    ]
    """
    | key    | id                | action                                               |
    |--------|-------------------|------------------------------------------------------|
    | enter  |                   | empty: skip; a time: check it; again: book           |
    | ctrl+s | form_save         | the same as enter                                    |
    | ctrl+n | booking_next_free | the earliest slot when the whole core team is free   |
    | ctrl+o | next_meeting_form | the whole booking form with the time typed, to change |
    |        |                   | who comes or where                                   |
    | escape | form_cancel       | close without booking (the same as skipping)         |
    """
    DEFAULT_CSS = """
    NextMeetingDialog #who { height: auto; }
    """

    def __init__(
        self,
        client_id: int,
        show_day: dt.date | None = None,
        client_name: str = "",
        *,
        waiting: bool = False,
    ) -> None:
        super().__init__(client_id, show_day=show_day)
        self.form_title = TITLE
        self.client_name = client_name
        self.waiting = waiting  # opened under the meeting record, not shown yet (reveal)
        if waiting:  # see-through: the screen behind is dimmed once, by the record
            self.styles.background = Color(0, 0, 0, 0)

    # -- layout: the time, and who and where in words -------------------------------------------
    def compose_intro(self) -> ComposeResult:
        config = self.app.config  # type: ignore[attr-defined]
        named = subject("Client", self.client_name, (), config, "bold")
        yield Static(named if self.client_name else Text("Loading...", end=""), id="intro")

    def compose_fields(self) -> ComposeResult:
        yield from self.field(
            "when",
            "When",
            TextInput(placeholder="14:30, tomorrow 10, thu 9:30, 28/11 15:00", compact=True),
        )
        yield Static(Text(""), id="words")
        yield Static(Text("Loading the core team...", end=""), id="who")
        yield from self.field(
            "reason",
            "Reason",
            TextInput(placeholder="why book over the warnings (recorded)", compact=True),
        )

    def on_mount(self) -> None:
        if self.waiting:
            self.query_one("#dialog").display = False
            self.query_one(KeyLine).display = False
        # Textual calls BookingDialog.on_mount after this one (it shows HINT_CHECK): later.
        self.call_later(self._hint, Text(f"{HINT_CHECK}\n{HINT_SKIP}", end=""))

    def reveal(self) -> None:
        """The meeting is recorded: show the question (in the frame that closes the record),
        then read who and where."""
        if not self.waiting:
            return
        self.waiting = False
        self.styles.clear_rule("background")  # dimmed as any dialog
        self.query_one("#dialog").display = True
        self.query_one(KeyLine).display = True
        self.call_after_refresh(self.load_defaults)

    def load_defaults(self) -> Worker[None] | None:  # type: ignore[override]
        """Nothing is read while waiting under the meeting record (see :meth:`reveal`)."""
        if self.waiting:
            return None
        return super().load_defaults()  # type: ignore[no-any-return]

    def _show_address(self) -> None:
        """No place list here: the place is in the "who and where" line."""

    # -- the defaults: what the booking dialog would have filled in --------------------------------
    def on_booking_dialog_defaults_loaded(self, message: BookingDialog.DefaultsLoaded) -> None:
        message.prevent_default()  # not the booking dialog's handler: no lists to fill here
        defaults = self.defaults = message.defaults
        self._staff_names = {s.id: s.name for s in defaults.staff}
        config = self.app.config  # type: ignore[attr-defined]
        intro = subject("Client", defaults.client_name, defaults.safeguarding, config, "bold")
        self.query_one("#intro", Static).update(intro)
        self.query_one("#who", Static).update(who_and_where(defaults, self._tags, self._minutes()))
        if self._check_when_loaded:
            self._check_when_loaded = False
            self.action_save()

    def _minutes(self) -> int:
        return int(self.app.config.meetings.default_minutes)  # type: ignore[attr-defined]

    def _ticked(self, kind: str) -> tuple[int, ...]:
        """Those the booking dialog ticks: the core team, the network who take part."""
        defaults = self.defaults
        if defaults is None:
            return ()
        if kind == "staff":
            return tuple(staff.id for staff in defaults.staff)
        return tuple(member.id for member in defaults.network if member.takes_part)

    def _place(self) -> tuple[str, str]:
        if self.defaults is None:
            return "home", ""
        place, address = prefilled_place(self.defaults)
        return place, address if place == "home" else ""

    # -- enter: skip, or check and book as the booking dialog does ---------------------------------
    def action_save(self) -> None:
        if not self.saving and not self.query_one("#field-when", Input).value.strip():
            self.dismiss(None)
            return
        super().action_save()

    def action_full_form(self) -> None:
        """The whole booking form over this one, with the time typed: to change who or where."""
        if self.saving:
            return
        when = self.query_one("#field-when", Input).value

        def booked(result: Booked | None) -> None:
            if result is not None:
                self.dismiss(result)
                return
            self.query_one("#field-when", Input).focus()  # back to the question

        form = BookingDialog(self.client_id, show_day=self.show_day, when=when)
        self.app.push_screen(form, booked)
