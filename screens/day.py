"""Today's meeting slots: the day's network meetings in time order, and rapid booking.

One list for the whole team (200 staff will not fit side by side at 80
columns): unbooked first meetings first, with their 24-hour deadline, then
every meeting of the day in time order with its time, client, place, core
team and status. ``s`` narrows it to one staff member; the two lines above
the list show that person's day (or yours) as a bar over team hours and the
free gaps in words. The pane below gives the selected meeting in full.

Data flow as in the queue: the day is read in a thread worker, cells are
drawn there, and the table is updated in place (row key ``m<id>`` or
``u<client id>``) so the cursor stays put. A cheap timer asks the database
whether anyone committed; only then is the day read again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from msgspec.structs import replace
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, Static

from duty_desk import timeutil
from duty_desk.views import DayData, MeetingView, StaffView, UnbookedFirst
from duty_desk.vocabulary import MeetingStatus

from . import day_render as render
from .base import sheet
from .commands import PaletteCommand
from .key_line import KeyLine
from .keyed_table import KeyedTable, RowCells
from .literal import assemble, literal, visible
from .live_list import LiveList, match_staff
from .render import staff_tags
from .widgets import TextInput, TitleBar

if TYPE_CHECKING:
    from .booking import Booked

Cells = dict[str, Text]
Row = tuple[str, MeetingView | UnbookedFirst, tuple[Text, ...]]

CLOCK_SECONDS = 30.0
STATUS = [name for name, _ in render.COLUMNS].index("status")
MAX_PINNED = 3  # unbooked first meetings kept at the top while the meetings scroll
DAY_KEYS = Binding.Group("Day")


@dataclass(frozen=True)
class DayRead:
    """One read of a day: its data and the rows (key, item, cells in column order)."""

    data: DayData
    rows: tuple[Row, ...]


class DayScreen(LiveList):
    """One day's meetings, the selected staff member's free time, and booking."""

    DEFAULT_CSS = sheet("day.tcss")
    NOUN = "day"
    LOAD_GROUP = "day-load"
    DETAIL_PANE = "#meeting"
    DETAIL_BODY = "#meeting-body"
    SHED = render.DAY_SHED
    BINDINGS = [
        Binding("b", "book", "Book", id="book", tooltip="Book a meeting for the selected client"),
        Binding("r", "reschedule", "Move", id="reschedule", tooltip="Move the meeting"),
        Binding(
            "x",
            "cancel_meeting",
            "Cancel",
            id="cancel_meeting",
            tooltip="Cancel the meeting, with a reason",
        ),
        Binding(
            "a",
            "happened",
            "Happened",
            id="happened",
            tooltip="Record that it happened, and who came",
        ),
        Binding(
            "d",
            "did_not_attend",
            "DNA",
            id="did_not_attend",
            tooltip="Record that the client did not attend",
        ),
        Binding(
            "h",
            "meeting_history",
            "History",
            id="history",
            tooltip="The meeting's history from the audit log",
        ),
        Binding(
            "s",
            "staff_filter",
            "Staff",
            id="staff_filter",
            tooltip="Show one staff member's meetings",
        ),
        Binding("left_square_bracket", "previous_day", "Prev", id="previous_day", group=DAY_KEYS),
        Binding("right_square_bracket", "next_day", "Next", id="next_day", group=DAY_KEYS),
        Binding("t", "today", "Now", id="today", tooltip="Today, at the current time"),
        Binding("g", "go_to_date", "Date", id="go_to_date", tooltip="Go to a date"),
        Binding("escape", "clear_staff", "All staff", show=False, id="clear_staff"),
        Binding("q", "app.quit", "Quit", show=False, id="quit"),
    ]
    """
    | key    | id              | action                                               |
    |--------|-----------------|------------------------------------------------------|
    | b      | book            | book a meeting for the selected client               |
    | r      | reschedule      | move the selected meeting (the booking dialog)       |
    | x      | cancel_meeting  | cancel it: by the client/network or the team, reason |
    | a      | happened        | record it happened: who came, the note, next meeting |
    | d      | did_not_attend  | did not attend, with the follow-up taken             |
    | h      | history         | the meeting's history from the audit log             |
    | s      | staff_filter    | one staff member's meetings and free time            |
    | escape | clear_staff     | everyone's meetings again                            |
    | [ ]    | previous_day / next_day | the day before / after                       |
    | t      | today           | today, the cursor on the meeting now or next         |
    | g      | go_to_date      | go to a typed date (thu, tomorrow, 28/11, ...)       |
    | q      | quit            | quit                                                 |
    | enter  | (table)         | the client's record (5); tab: into the meeting pane  |
    Any of these ids can be given another key in config.toml under [keys]; history
    and quit share their ids with the queue, so one entry remaps both.
    """

    # -- messages -------------------------------------------------------------------------------
    @dataclass
    class Written(Message):
        note: str
        meeting_id: int | None = None

    def __init__(self) -> None:
        super().__init__()
        self.day: dt.date | None = None  # set on mount (needs the app's settings)
        self.filter_id: int | None = None
        self.data: DayData | None = None
        self.items: dict[str, MeetingView | UnbookedFirst]
        self._cursor_to_now = True
        self._logins: dict[int, str] = {}  # staff id -> tag, kept across filtered reads
        self._read_tags: dict[int, str] = {}

    @property
    def tz(self) -> str:
        return self.duty_app.config.team.timezone

    # -- layout ---------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        config = self.duty_app.config
        yield TitleBar(config.team.name, current="show_day")
        yield Static(id="view-only")
        yield Static(Text("Loading the day...", end=""), id="day-heading")
        with Horizontal(id="staff-row"):
            yield Label("Staff:")
            yield TextInput(
                placeholder="a login or part of a name; Enter shows their day",
                id="staff-input",
                compact=True,
            )
        yield Static(Text("", end=""), id="timeline")
        yield KeyedTable(id="day")
        with VerticalScroll(id="meeting"):
            yield Static(Text("", end=""), id="meeting-body")
        yield KeyLine()

    def on_mount(self) -> None:
        self.day = timeutil.to_local(timeutil.now(), self.tz).date()
        table = self.main_table()
        width = render.client_width(self.app.size.width)
        for key, header in render.COLUMNS:
            size = width if key == "client" else render.WIDTHS[key]
            table.add_column(
                Text(" " + header, style="bold"), key=key, width=size + 1, flex=key == "client"
            )
        table.focus()
        self.query_one("#meeting", VerticalScroll).border_title = "Meeting"
        self.set_interval(CLOCK_SECONDS, self._tick)

    def flex_width(self, table: KeyedTable, total: int) -> int:
        return render.client_width(total)

    # -- loading ---------------------------------------------------------------------------------
    def load_query(self) -> tuple[dt.date | None, int | None]:
        return self.day, self.filter_id

    def read(self, query: tuple[dt.date, int | None]) -> DayRead:
        day, filter_id = query
        app = self.duty_app
        data = app.repo.day(day, filter_id)
        # Staff as their tags, as on every screen (screens/render.py staff_tags); a copy: a thread
        logins = {**self._logins, **staff_tags(app.repo.list_staff(include_inactive=True))}
        self._read_tags = logins
        rows = tuple(render.rows_of(data, filter_id, timeutil.now(), app.config, logins))
        return DayRead(data, rows)

    def show(self, result: DayRead) -> None:
        new_day = self.data is None or self.data.day != result.data.day
        self.data = result.data
        self._logins = {**self._logins, **self._read_tags}
        self._apply(result.rows, new_day)
        self._show_heading()

    # -- the heading and the staff member's day --------------------------------------------------
    def staff_by_id(self, staff_id: int | None) -> StaffView | None:
        if staff_id is None or self.data is None:
            return None
        return next((s for s in self.data.staff if s.id == staff_id), None)

    def focus_staff(self) -> StaffView | None:
        """Whose day the bar shows: the filter's staff member, else the acting login."""
        if self.filter_id is not None:
            return self.staff_by_id(self.filter_id)
        return self.duty_app.staff

    def _show_heading(self) -> None:
        data = self.data
        if data is None:
            return
        now = timeutil.now()
        today = timeutil.to_local(now, self.tz).date()
        shown = len(render.visible_meetings(data, self.filter_id))
        self.query_one("#day-heading", Static).update(
            render.day_heading(
                data, today, self.duty_app.config, self.staff_by_id(self.filter_id), shown
            )
        )
        staff = self.focus_staff()
        line = self.query_one("#timeline", Static)
        if staff is None:
            line.update(Text("Nobody's day to show: s picks a staff member.\n", end=""))
        else:
            line.update(
                render.timeline(
                    data,
                    staff,
                    now,
                    self.duty_app.config,
                    self.size.width - 2,
                    self._logins.get(staff.id),
                )
            )

    # -- the table, updated in place ---------------------------------------------------------------
    def current(self) -> MeetingView | UnbookedFirst | None:
        item: MeetingView | UnbookedFirst | None = self.current_item()
        return item

    def _apply(
        self, rows: Sequence[tuple[str, Any, RowCells]], new_day: bool, select: str | None = None
    ) -> None:
        """Bring the table to ``rows``; the cursor stays on its row, or goes to the row to
        select, or (a new day, a new staff member) to the meeting now or next."""
        table = self.main_table()
        keep = None if new_day else table.current_key
        if select is None:
            select, self.select_after_load = self.select_after_load, None
        keep = select or keep
        if keep is None and self._cursor_to_now:
            keep = self._now_key()
        self._cursor_to_now = False
        # Unbooked first meetings stay in sight above the scrolling meetings (a few at most).
        pinned = min(MAX_PINNED, sum(1 for _, item, _ in rows if isinstance(item, UnbookedFirst)))
        if table.fixed_rows != pinned:
            table.fixed_rows = pinned
        with self.prevent(KeyedTable.RowHighlighted):
            if new_day:
                table.clear()
            self.apply_rows(table, rows, select=False)
            if keep is not None and keep in table:
                table.move_cursor_to_key(keep)
            elif new_day:
                table.move_cursor(row=0)
        self.refresh_detail(force=True)

    def _now_key(self) -> str | None:
        """The meeting in progress or next (today), else the first row."""
        data = self.data
        if data is None:
            return None
        now = timeutil.now()
        meetings = render.visible_meetings(data, self.filter_id)
        for meeting in meetings:
            if meeting.ends_at > now and meeting.status != "cancelled":
                return render.row_key(meeting)
        return None

    def _tick(self) -> None:
        """Every 30 s: the deadlines of unbooked first meetings and the bar, without the database."""
        if self.data is None:
            return
        table = self.main_table()
        now = timeutil.now()
        config = self.duty_app.config
        rows = []
        for key, item, cells in self.held_rows():
            if isinstance(item, UnbookedFirst):
                drawn = table.get_row(key)
                drawn[STATUS] = render.unbooked_cells(item, now, config)["status"]
                cells = tuple(drawn)
            rows.append((key, item, cells))
        self.apply_rows(table, rows, select=False)  # only a changed deadline repaints
        self._show_heading()

    # -- the detail pane -------------------------------------------------------------------------------
    def show_detail(self) -> None:
        key = self.current_key()
        body = self.query_one("#meeting-body", Static)
        item = self.items.get(key) if key is not None else None
        config = self.duty_app.config
        if item is None:
            staff = self.staff_by_id(self.filter_id)
            if staff is not None:
                body.update(
                    assemble(
                        "No meetings for ",
                        literal(staff.name),
                        " on this day. Escape shows everyone's.",
                    )
                )
            else:
                body.update(
                    Text(
                        "No meetings on this day. b on a client (here, in the queue "
                        "or on the board) books one."
                    )
                )
            return
        if isinstance(item, UnbookedFirst):
            body.update(render.unbooked_detail(item, timeutil.now(), config))
        else:
            absences = self.data.absences if self.data is not None else ()
            body.update(render.meeting_detail(item, config, self._logins, absences))

    def row_selected(self, key: str) -> None:
        """Enter on a meeting or an unbooked first meeting: the client's record (tab: into
        the meeting's details instead)."""
        item = self.items.get(key)
        if item is not None:
            from .record import open_record

            self.run_worker(open_record(self.app, item.client_id), exclusive=False)

    # -- moving between days ------------------------------------------------------------------------------
    def show_day(self, day: dt.date, to_now: bool = False) -> None:
        if day != self.day:
            self.day = day
            self.data_day_changed()
        self._cursor_to_now = to_now
        self.reload()

    def show_meeting(self, meeting: MeetingView) -> None:
        """The meeting's day, read afresh, with the cursor on the meeting."""
        self.select_after_load = f"m{meeting.id}"
        self.show_day(timeutil.to_local(meeting.starts_at, self.tz).date())

    def data_day_changed(self) -> None:
        day = self.day
        assert day is not None
        self.query_one("#day-heading", Static).update(
            Text(f"{day:%A} {day.day} {day:%B %Y}: loading...", style="bold", end="")
        )

    def action_previous_day(self) -> None:
        assert self.day is not None
        self.show_day(self.day - dt.timedelta(days=1))

    def action_next_day(self) -> None:
        assert self.day is not None
        self.show_day(self.day + dt.timedelta(days=1))

    def action_today(self) -> None:
        today = timeutil.to_local(timeutil.now(), self.tz).date()
        if today == self.day and self.data is not None:
            key = self._now_key()
            if key is not None:
                self.main_table().move_cursor_to_key(key)
            self.focus_main()
            return
        self.show_day(today, to_now=True)
        self.focus_main()

    def action_go_to_date(self) -> None:
        from .date_dialog import DateDialog

        def chosen(day: dt.date | None) -> None:
            if day is not None:
                self.show_day(day, to_now=True)

        self.app.push_screen(DateDialog(), chosen)

    # -- staff filter ---------------------------------------------------------------------------------------
    def action_staff_filter(self) -> None:
        row = self.query_one("#staff-row")
        row.display = True
        field = self.query_one("#staff-input", Input)
        if self.data is not None:
            names = sorted({s.login for s in self.data.staff} | {s.name for s in self.data.staff})
            field.suggester = SuggestFromList(names, case_sensitive=False)
        field.focus()

    @on(Input.Submitted, "#staff-input")
    def _staff_chosen(self, event: Input.Submitted) -> None:
        typed = event.value.strip()
        if not typed:
            self.action_clear_staff()
            return
        found = match_staff(self.data.staff if self.data is not None else (), typed)
        if isinstance(found, str):
            self.notify(found, severity="warning", markup=False)
            return
        self.filter_id = found.id
        self.query_one("#staff-row").display = False
        self._cursor_to_now = True
        self.focus_main()
        self.reload()

    def action_clear_staff(self) -> None:
        if self.query_one("#meeting", VerticalScroll).has_focus:
            self.focus_main()
            return
        self.query_one("#staff-input", Input).value = ""
        self.query_one("#staff-row").display = False
        if self.filter_id is not None:
            self.filter_id = None
            self.reload()
        self.focus_main()

    # -- actions ----------------------------------------------------------------------------------------------
    def _selected_meeting(self, verb: str) -> MeetingView | None:
        item = self.current()
        if isinstance(item, MeetingView):
            return item
        if isinstance(item, UnbookedFirst):
            self.notify(
                f"No meeting to {verb}: the first meeting is not booked yet (b books it).",
                severity="warning",
                markup=False,
            )
        else:
            self.notify("No meeting is selected.", severity="warning", markup=False)
        return None

    def action_book(self) -> None:
        item = self.current()
        if item is None:
            self.notify(
                "No client is selected: pick a meeting or an unbooked first meeting "
                "(or book from the queue or the board).",
                severity="warning",
                markup=False,
            )
            return
        from .booking import open_booking

        open_booking(self, item.client_id, self._booked, show_day=self.day)

    def action_reschedule(self) -> None:
        meeting = self._selected_meeting("move")
        if meeting is None:
            return
        if meeting.status != "booked":
            self.notify(
                f"Only a booked meeting can be moved; this one is "
                f"{render.STATUS_LONG.get(meeting.status, meeting.status)}.",
                severity="warning",
                markup=False,
            )
            return
        from .booking import open_reschedule

        self._when_permitted(
            lambda: open_reschedule(self, meeting, self._booked, show_day=self.day)
        )

    def _booked(self, booked: Booked | None) -> None:
        if booked is None:
            return
        what = "Moved" if booked.moved else "Booked"
        self.notify(f"{what}: {visible(booked.client_name)}, {booked.words}.", markup=False)
        self.wrote()  # a read that started before the booking is read again
        day = timeutil.to_local(booked.starts_at, self.tz).date()
        if self._place(booked, select=day == self.day):
            return  # the change check sees our commit and reads the day in the background
        if day == self.day:
            self.select_after_load = f"m{booked.meeting_id}"
        self.reload()

    def _place(self, booked: Booked, select: bool) -> bool:
        """Show a meeting just saved here without reading the whole day again: its row
        added, changed or (moved to another day) removed in place. False if it cannot be
        (the day not read yet, or the meeting falls on this day and was not read back)."""
        data = self.data
        if data is None or data.day != self.day:
            return False
        ends_at = booked.starts_at + dt.timedelta(minutes=booked.minutes)
        first = timeutil.to_local(booked.starts_at, self.tz).date()
        last = timeutil.to_local(ends_at - dt.timedelta(microseconds=1), self.tz).date()
        shown = first <= data.day <= last  # as the repository's day() reads it
        meeting = booked.meeting
        if shown and meeting is None:
            return False
        if (
            meeting is not None
            and self.filter_id is not None
            and not any(s.id == self.filter_id for s in meeting.staff)
        ):
            shown = False
        meetings = tuple(m for m in data.meetings if m.id != booked.meeting_id)
        if shown and meeting is not None:
            meetings += (meeting,)
        unbooked = data.unbooked  # a first meeting booked: no longer unbooked
        if any(u.client_id == booked.client_id for u in unbooked):
            unbooked = tuple(u for u in unbooked if u.client_id != booked.client_id)
        self.data = replace(data, meetings=meetings, unbooked=unbooked)
        key = f"m{booked.meeting_id}"
        gone = [
            k for k in (key, f"u{booked.client_id}") if k in self.items and (k != key or not shown)
        ]
        if not shown and not gone and unbooked is data.unbooked:
            return True  # another day's meeting: nothing on this day changes
        rows = [row for row in self.held_rows() if row[0] not in gone]
        if shown and meeting is not None:
            held = {row[0]: row for row in rows}
            held[key] = (
                key,
                meeting,
                render.in_order(
                    render.meeting_cells(meeting, self.tz, self._logins, self.data.absences)
                ),
            )
            order = [
                render.row_key(u)
                for u in sorted(self.data.unbooked, key=lambda u: (u.respond_by, u.client_id))
            ]
            order += [render.row_key(m) for m in render.visible_meetings(self.data, self.filter_id)]
            rows = [held.pop(k) for k in order if k in held] + list(held.values())
        self._apply(rows, new_day=False, select=key if select and shown else None)
        self._show_heading()
        return True

    def action_cancel_meeting(self) -> None:
        meeting = self._selected_meeting("cancel")
        if meeting is None:
            return
        if meeting.status != "booked":
            self.notify("Only a booked meeting can be cancelled.", severity="warning", markup=False)
            return
        from .cancel_dialog import CancelDialog

        def done(saved: bool | None) -> None:
            if saved:
                self._written("Meeting cancelled", meeting)

        self._when_permitted(lambda: self.app.push_screen(CancelDialog(meeting, self.tz), done))

    def action_happened(self) -> None:
        """The meeting-record flow (who came, the note, the next meeting); a meeting
        recorded as did not attend is changed only with a reason (the outcome dialog)."""
        meeting = self._selected_meeting("record")
        if meeting is None:
            return
        if meeting.status == "cancelled":
            self.notify(
                "A cancelled meeting cannot be recorded as happened.",
                severity="warning",
                markup=False,
            )
            return
        if meeting.status == "did_not_attend":
            self._change_outcome(meeting, MeetingStatus.happened)
            return
        from .attendance_dialog import record_meeting_flow

        def done(recorded: Any, booked: Booked | None) -> None:
            name = visible(meeting.client_name)
            if booked is None:
                self.post_message(
                    self.Written(
                        f"Recorded as happened: {name}. No next meeting booked (b books one).",
                        meeting.id,
                    )
                )
            else:
                self.post_message(
                    self.Written(
                        f"Recorded as happened: {name}. Next meeting: {booked.words}.",
                        meeting.id,
                    )
                )

        self._when_permitted(
            lambda: record_meeting_flow(self, meeting, self.tz, done, show_day=self.day)
        )

    def action_did_not_attend(self) -> None:
        """Did not attend, with the follow-up taken; a meeting recorded as happened is
        changed only with a reason (the same dialog asks it)."""
        meeting = self._selected_meeting("record")
        if meeting is None:
            return
        if meeting.status == "cancelled":
            self.notify(
                "A cancelled meeting cannot be recorded as did not attend.",
                severity="warning",
                markup=False,
            )
            return
        if meeting.status == "did_not_attend":
            self.notify(
                "Already recorded as did not attend (the follow-up is in the record).",
                markup=False,
            )
            return
        self._change_outcome(meeting, MeetingStatus.did_not_attend)

    def _change_outcome(self, meeting: MeetingView, to_status: MeetingStatus) -> None:
        from .outcome_dialog import OutcomeDialog

        def done(saved: str | None) -> None:
            if saved:
                words = "Did not attend" if saved == "did_not_attend" else "Outcome changed"
                self._written(words, meeting)

        self._when_permitted(
            lambda: self.app.push_screen(OutcomeDialog(meeting, to_status, self.tz), done)
        )

    def _written(self, what: str, meeting: MeetingView) -> None:
        self.post_message(self.Written(f"{what}: {visible(meeting.client_name)}.", meeting.id))

    def on_day_screen_written(self, message: Written) -> None:
        self.wrote()
        if message.meeting_id is not None:
            self.select_after_load = f"m{message.meeting_id}"
        self.notify(message.note, markup=False)
        self.reload()

    def action_meeting_history(self) -> None:
        meeting = self._selected_meeting("show")
        if meeting is None:
            return
        from .meeting_history import MeetingHistory

        self.app.push_screen(MeetingHistory(meeting, self.tz))

    # -- command palette ------------------------------------------------------------------------------------------
    def palette_commands(self) -> list[PaletteCommand]:
        item = self.current()
        subject = (
            item.name
            if isinstance(item, UnbookedFirst)
            else (item.client_name if item is not None else None)
        )
        commands = [
            PaletteCommand("Previous day", "The day before ([)", self.action_previous_day),
            PaletteCommand("Next day", "The day after (])", self.action_next_day),
            PaletteCommand(
                "Today, now", "Today, at the meeting now or next (t)", self.action_today
            ),
            PaletteCommand(
                "Go to date", "A typed date: thu, tomorrow, 28/11 (g)", self.action_go_to_date
            ),
            PaletteCommand(
                "Staff member's day",
                "One staff member's meetings and free time (s)",
                self.action_staff_filter,
            ),
        ]
        if self.filter_id is not None:
            commands.append(
                PaletteCommand("All staff", "Everyone's meetings (escape)", self.action_clear_staff)
            )
        if item is not None:
            commands.append(
                PaletteCommand("Book meeting", "For this client (b)", self.action_book, subject)
            )
        if isinstance(item, MeetingView):
            commands += [
                PaletteCommand("Move meeting", "Reschedule (r)", self.action_reschedule, subject),
                PaletteCommand(
                    "Cancel meeting",
                    "By the client/network or the team (x)",
                    self.action_cancel_meeting,
                    subject,
                ),
                PaletteCommand(
                    "Meeting happened",
                    "Record who came, the note, the next meeting (a)",
                    self.action_happened,
                    subject,
                ),
                PaletteCommand(
                    "Did not attend",
                    "The client did not come: the follow-up taken (d)",
                    self.action_did_not_attend,
                    subject,
                ),
                PaletteCommand(
                    "Meeting history",
                    "From the audit log (h)",
                    self.action_meeting_history,
                    subject,
                ),
            ]
        return commands
