"""The clinician continuity board: open episodes, their core teams, and breaks in continuity.

Three lists share the middle of the screen, one shown at a time: the open
episodes (the default), the breaks in continuity (``k``) and the staff with
their caseloads and absences (``w``). The status line above always counts
the breaks, so the duty worker sees them from the board's first line. The
pane below gives the highlighted row in full.

Data flow as in the queue: the board is read in a thread worker, the cells
are drawn there, and each table is updated in place (row key = client id,
staff id, or the break's identity) so the cursor stays put. A cheap timer
asks the database whether anyone committed; only then is the board read
again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from msgspec.structs import replace
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.suggester import SuggestFromList
from textual.timer import Timer
from textual.widgets import Input, Label, Static

from duty_desk import timeutil
from duty_desk.handover_views import HandoverNoteView
from duty_desk.views import (
    BoardData,
    ClientFilter,
    ContinuityBreak,
    EpisodeView,
    ReferralView,
    StaffLoad,
    StaffView,
)

from . import board_render as render
from .base import sheet
from .board_rows import SPECS, VIEWS, DrawnRows, Row, draw
from .commands import PaletteCommand
from .key_line import KeyLine
from .keyed_table import KeyedTable
from .literal import assemble, literal, visible
from .live_list import LiveList, match_staff
from .render import find_filter_words
from .widgets import TextInput, TitleBar

if TYPE_CHECKING:
    from duty_desk.views import MeetingView

    from .booking import Booked

FIND_DELAY = 0.25  # a find runs once typing pauses
REDRAW_SECONDS = 300.0  # "Mon 09:00" labels and weeks move with time: read again now and then


@dataclass(frozen=True)
class BoardRead:
    """One read of the board: its data, the staff tags, and each list's rows."""

    data: BoardData
    tags: dict[int, str]
    rows: dict[str, tuple[Row, ...]]
    notes: dict[int, tuple[HandoverNoteView, ...]] = field(default_factory=dict)  # by client


class BoardScreen(LiveList):
    """Open episodes with their core teams and continuity, breaks, and staff caseloads."""

    DEFAULT_CSS = sheet("board.tcss")
    NOUN = "board"
    LOAD_GROUP = "board-load"
    DETAIL_PANE = "#board-detail"
    DETAIL_BODY = "#board-detail-body"
    SHED = render.BOARD_SHED
    BINDINGS = [
        Binding(
            "t",
            "core_team",
            "Team",
            id="core_team",
            tooltip="Choose the core team and key worker, with a reason",
        ),
        Binding(
            "a",
            "record_absence",
            "Away",
            id="record_absence",
            tooltip="Record a staff absence and see who it affects",
        ),
        Binding("d", "discharge", "Discharge", id="discharge", tooltip="End the episode"),
        Binding(
            "u",
            "reverse_accept",
            "Reverse",
            id="reverse_accept",
            tooltip="Reverse the acceptance (a mistake), with a reason",
        ),
        Binding("b", "board_book", "Book", id="board_book", tooltip="Book the next meeting"),
        Binding(
            "m", "client_meetings", "Mtgs", id="client_meetings", tooltip="The client's meetings"
        ),
        Binding(
            "r",
            "original_referral",
            "Ref",
            id="original_referral",
            tooltip="The original referral and its history",
        ),
        Binding(
            "h",
            "client_history",
            "Hist",
            id="client_history",
            tooltip="The client's history from the audit log",
        ),
        Binding(
            "s",
            "board_filter",
            "Filter",
            id="board_filter",
            tooltip="Only one staff member's clients",
        ),
        Binding(
            "k",
            "breaks_view",
            "Breaks",
            id="breaks_view",
            tooltip="Breaks in continuity (again: the episodes)",
        ),
        Binding(
            "w",
            "staff_view",
            "Staff",
            id="staff_view",
            tooltip="Staff caseloads and absences (again: the episodes)",
        ),
        Binding(
            "e",
            "edit_referral",
            "Edit",
            id="board_edit_referral",
            tooltip="Correct the client's referral details",
        ),
        Binding(
            "slash", "board_find", "Find", id="board_find", tooltip="Find a client, also discharged"
        ),
        Binding(
            "ctrl+t",
            "board_find_status",
            "Open/disch.",
            id="board_find_status",
            tooltip="Find among open, discharged or all clients",
        ),
        Binding(
            "N",
            "handover_note",
            "Note",
            id="handover_note",
            tooltip="Add a handover note about the client for the next duty worker",
        ),
        Binding("escape", "board_back", "Back", show=False, id="board_back"),
        Binding("q", "app.quit", "Quit", show=False, id="board_quit"),
    ]
    """
    | key    | id                | action                                                     |
    |--------|-------------------|------------------------------------------------------------|
    | t      | core_team         | choose the core team (2-3) and key worker, with a reason   |
    | a      | record_absence    | record a staff absence; then every client and meeting hit  |
    | d      | discharge         | end the episode: to primary care or other, date, reason    |
    | u      | reverse_accept    | reverse the acceptance, with a reason (within the window)  |
    | b      | board_book        | book the next meeting for the client                       |
    | m      | client_meetings   | the client's meetings (enter: that day in the day view)    |
    | r      | original_referral | the original referral (h there: its history)               |
    | h      | client_history    | history from the audit log: the client (staff list: person)|
    | s      | board_filter      | only one staff member's clients (core team or key worker)  |
    | k      | breaks_view       | the breaks in continuity (again: back to the episodes)     |
    | w      | staff_view        | staff caseloads and absences (again: back to the episodes) |
    | e      | board_edit_referral | correct the client's referral details (form)             |
    | /      | board_find        | find a client by name, NHS number or postcode              |
    | ctrl+t | board_find_status | find among open, discharged or all clients                 |
    | N      | handover_note     | a handover note about the client for the next duty worker  |
    | escape | board_back        | back to the episodes; again: clear the find, the filter    |
    | q      | board_quit        | quit                                                       |
    | enter  | (table)           | the client's record (5); tab: into the pane below instead  |
    Any of these ids can be given another key in config.toml under [keys].
    """

    # -- messages -------------------------------------------------------------------------------
    @dataclass
    class Written(Message):
        note: str
        client_id: int | None = None
        closed: bool = False  # the episode left the board

    @dataclass
    class EditLoaded(Message):
        """The referral of the client to correct, read in a worker."""

        referral: ReferralView
        client_id: int

    def __init__(self) -> None:
        super().__init__()
        self.view = "episodes"
        self.filter_id: int | None = None
        self.data: BoardData | None = None
        self.tags: dict[int, str] = {}
        self.lists: dict[str, dict[str, Any]] = {name: {} for name in VIEWS}  # items by key
        self.client_notes: dict[int, tuple[HandoverNoteView, ...]] = {}
        self._drawn = DrawnRows()  # used by the load worker only
        self.find_term = ""  # a find among clients (with find_status): see load_query
        self.find_status = ClientFilter.open
        self._find_timer: Timer | None = None

    @property
    def tz(self) -> str:
        return self.duty_app.config.team.timezone

    # -- layout ---------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        config = self.duty_app.config
        yield TitleBar(config.team.name, current="show_board")
        yield Static(id="view-only")
        yield Static(Text("Loading the board...", end=""), id="board-status")
        with Horizontal(id="find-row"):
            yield Label("Find:")
            yield TextInput(
                placeholder="name, NHS number or postcode", id="find-input", compact=True
            )
            yield Static(self._find_words(), id="board-find-status")
        with Horizontal(id="filter-row"):
            yield Label("Staff:")
            yield TextInput(
                placeholder="a tag, login or part of a name; Enter filters",
                id="filter-input",
                compact=True,
            )
        for name in VIEWS:
            yield KeyedTable(id=name)
        with VerticalScroll(id="board-detail"):
            yield Static(Text("", end=""), id="board-detail-body")
        yield KeyLine()

    def on_mount(self) -> None:
        width = self.app.size.width
        for name, spec in SPECS.items():
            table = self.table(name)
            flex = render.flex_width(width, spec.widths)
            for key, header in spec.columns:
                size = flex if key == spec.flex else spec.widths[key]
                table.add_column(
                    Text(" " + header, style="bold"), key=key, width=size + 1, flex=key == spec.flex
                )
            table.display = name == self.view
        self.table("episodes").focus()
        self.query_one("#board-detail", VerticalScroll).border_title = "Client"
        self.set_interval(REDRAW_SECONDS, self.reload)

    def flex_width(self, table: KeyedTable, total: int) -> int:
        return render.flex_width(total, SPECS[table.id or "episodes"].widths)

    def table(self, view: str | None = None) -> KeyedTable:
        return self.query_one(f"#{view or self.view}", KeyedTable)

    def main_table(self) -> KeyedTable:
        return self.table()

    # -- loading ---------------------------------------------------------------------------------
    def load_query(self) -> tuple[int | None, str, ClientFilter]:
        return self.filter_id, self.find_term, self.find_status

    @property
    def finding(self) -> bool:
        return bool(self.find_term) or self.find_status is not ClientFilter.open

    def read(self, query: tuple[int | None, str, ClientFilter]) -> BoardRead:
        staff_id, term, status = query
        repo = self.duty_app.repo
        data = repo.board(staff_id)
        finding = bool(term) or status is not ClientFilter.open
        if finding:
            found = [
                e
                for e in repo.find_clients(term, status)
                if staff_id is None
                or staff_id in {m.id for m in e.core_team}
                or (e.key_worker is not None and e.key_worker.id == staff_id)
            ]
            ids = {e.client_id for e in found}
            data = replace(
                data,
                episodes=tuple(found),
                breaks=tuple(b for b in data.breaks if b.client_id in ids),
            )
        # Tags over everyone on the staff list, as elsewhere (read with the board; a find
        # reads its episodes after, so anyone they name is added)
        everyone = [*data.everyone, *render.all_staff(data)] if finding else data.everyone
        tags, rows = draw(data, self.duty_app.config, self._drawn, everyone)
        notes: dict[int, list[HandoverNoteView]] = {}
        for note in self.duty_app.repo.notes(open_only=True):  # handover notes (N)
            if note.client_id is not None:
                notes.setdefault(note.client_id, []).append(note)
        return BoardRead(data, tags, rows, {k: tuple(v) for k, v in notes.items()})

    def show(self, result: BoardRead) -> None:
        first = self.data is None and self.select_after_load is None
        self.data = result.data
        self.tags = result.tags
        self.client_notes = result.notes
        for name in VIEWS:
            self.apply_rows(
                self.table(name), result.rows[name], self.lists[name], select=name == "episodes"
            )
            if first:  # the board opens at the top: the most urgent row first
                with self.prevent(KeyedTable.RowHighlighted):
                    self.table(name).move_cursor(row=0)
                self.table(name).scroll_home(animate=False)
        self._show_status()
        self.refresh_detail(force=True)

    # -- the status line ----------------------------------------------------------------------------
    def filter_staff(self) -> StaffView | None:
        if self.filter_id is None or self.data is None:
            return None
        for load in self.data.staff:
            if load.staff.id == self.filter_id:
                return load.staff
        return None

    def _show_status(self) -> None:
        data = self.data
        if data is None:
            return
        count = len(data.episodes)
        text = Text(end="", no_wrap=True, overflow="ellipsis")
        labels = {"episodes": "Episodes", "breaks": "Breaks", "staff": "Staff"}
        text.append(f"{labels[self.view]}: ", style="bold")
        if self.finding:
            text.append_text(
                assemble(
                    ("FIND", "bold reverse"),
                    " ",
                    assemble(literal(repr(self.find_term)), " ") if self.find_term else "",
                    f"{count} of {self.find_status.words}",
                )
            )
        else:
            text.append(f"{count} open episode{'s' if count != 1 else ''}")
        breaks = len(data.breaks)
        text.append("  ")
        if breaks:
            text.append(
                f"{breaks} BREAK{'S' if breaks != 1 else ''} in continuity", style="bold reverse"
            )
            if self.view != "breaks":
                text.append(f" ({self._key('breaks_view')} lists them)")
        else:
            text.append("no breaks in continuity")
        staff = self.filter_staff()
        if staff is not None:
            text.append("  ")
            text.append_text(
                assemble(
                    ("Filter: ", "bold"),
                    literal(self.tags.get(staff.id, "?")),
                    " ",
                    literal(staff.name),
                )
            )
        self.query_one("#board-status", Static).update(text)

    def _key(self, binding_id: str) -> str:
        for binding in self.BINDINGS:
            if isinstance(binding, Binding) and binding.id == binding_id:
                keymap = self.duty_app.config.keys  # what the app gave set_keymap
                return keymap.get(binding_id, binding.key).split(",")[0]
        return "?"

    # -- the tables ------------------------------------------------------------------------------------
    def current_key(self, view: str | None = None) -> str | None:
        return self.table(view).current_key

    def current_item(self, view: str | None = None) -> Any:
        name = view or self.view
        key = self.current_key(name)
        return self.lists[name].get(key) if key is not None else None

    # -- the detail pane ------------------------------------------------------------------------------
    def detail_key(self) -> tuple[str, str | None]:
        return self.view, self.current_key()

    def row_selected(self, key: str) -> None:
        """Enter: a break goes to its client; a staff member filters; an episode opens the
        client record (tab: into the details pane instead)."""
        if self.view == "breaks":
            item = self.current_item()
            if isinstance(item, ContinuityBreak):
                self._show_client(item.client_id)
        elif self.view == "staff":
            load = self.current_item()
            if isinstance(load, StaffLoad):
                self.set_filter(load.staff.id)
        else:
            episode = self.current_item()
            if isinstance(episode, EpisodeView):
                from .record import open_record

                self.run_worker(open_record(self.app, episode.client_id), exclusive=False)

    def show_detail(self) -> None:
        body = self.query_one("#board-detail-body", Static)
        pane = self.query_one("#board-detail", VerticalScroll)
        item = self.current_item()
        config = self.duty_app.config
        now = timeutil.now()
        if self.data is None:
            return
        if self.view == "episodes":
            pane.border_title = "Client"
            if isinstance(item, EpisodeView):
                breaks = [b for b in self.data.breaks if b.client_id == item.client_id]
                text = render.episode_detail(
                    item, breaks, now, config, self.tags, self.data.dialog_of().get(item.client_id)
                )
                notes = self.client_notes.get(item.client_id, ())
                if notes:  # open handover notes (N): screens/render.py draws them
                    from .render import handover_detail

                    text.append_text(handover_detail(None, None, notes, now, config))
                body.update(text)
            elif self.finding:
                body.update(
                    Text(
                        f"No {self.find_status.words} found. {self._find_key()} looks in "
                        f"{self.find_status.next().words}; escape clears the find."
                    )
                )
            elif self.filter_id is not None:
                body.update(Text("Nobody's core team includes them. Escape shows every episode."))
            else:
                body.update(
                    Text("No open episodes. Accepting a referral in the queue (1) opens one.")
                )
        elif self.view == "breaks":
            pane.border_title = "Break in continuity"
            if isinstance(item, ContinuityBreak):
                body.update(render.break_detail(item, now, config))
            else:
                body.update(Text("No breaks in continuity. k goes back to the episodes."))
        else:
            pane.border_title = "Staff member"
            if isinstance(item, StaffLoad):
                body.update(render.staff_detail(item, self.tags))
            else:
                body.update(Text("No active staff."))

    # -- views ------------------------------------------------------------------------------------------
    def show_view(self, view: str) -> None:
        if view == self.view:
            view = "episodes"  # the same key again goes back
        self.view = view
        for name in VIEWS:
            self.table(name).display = name == view
        self.focus_main()
        self._show_status()
        self.refresh_detail(force=True)

    def action_breaks_view(self) -> None:
        self.show_view("breaks")

    def action_staff_view(self) -> None:
        self.show_view("staff")

    def _show_client(self, client_id: int) -> None:
        """The episodes list with the cursor on this client (clearing a filter that hides it)."""
        key = str(client_id)
        if key not in self.lists["episodes"] and self.filter_id is not None:
            self.filter_id = None
            self.select_after_load = key
            self.reload()
        self.show_view("episodes")
        with self.prevent(KeyedTable.RowHighlighted):
            self.table("episodes").move_cursor_to_key(key)
        self.refresh_detail(force=True)

    def action_board_back(self) -> None:
        if self.query_one("#board-detail", VerticalScroll).has_focus:
            self.focus_main()
        elif self.query_one("#filter-row").display:
            self.query_one("#filter-row").display = False
            self.focus_main()
        elif self.finding or self.query_one("#find-row").display:
            self.clear_find()
        elif self.view != "episodes":
            self.show_view("episodes")
        elif self.filter_id is not None:
            self.clear_filter()

    # -- finding a client (also discharged ones) -----------------------------------------------------
    def _find_key(self) -> str:
        return self._key("board_find_status")

    def _find_words(self) -> Text:
        status = self.find_status
        return find_filter_words(status.words, self._find_key(), status.next().value)

    def action_board_find(self) -> None:
        self.query_one("#find-row").display = True
        if self.view != "episodes":
            self.show_view("episodes")
        self.query_one("#find-input", Input).focus()

    def action_board_find_status(self) -> None:
        """Open, discharged, all, open...: which clients the episodes list shows."""
        self.query_one("#find-row").display = True
        if self.view != "episodes":
            self.show_view("episodes")
        self.find_status = self.find_status.next()
        self.query_one("#board-find-status", Static).update(self._find_words())
        self._show_status()
        self.reload()

    @on(Input.Changed, "#find-input")
    def _find_changed(self, event: Input.Changed) -> None:
        if self._find_timer is not None:
            self._find_timer.stop()
        value = event.value
        self._find_timer = self.set_timer(FIND_DELAY, lambda: self._set_find(value))

    @on(Input.Submitted, "#find-input")
    def _find_submitted(self, event: Input.Submitted) -> None:
        if self._find_timer is not None:
            self._find_timer.stop()
        self._set_find(event.value)
        self.focus_main()

    def _set_find(self, value: str) -> None:
        term = value.strip()
        if term != self.find_term:
            self.find_term = term
            self._show_status()
            self.reload()

    def clear_find(self) -> None:
        if self._find_timer is not None:
            self._find_timer.stop()
        self.query_one("#find-input", Input).value = ""
        self.query_one("#find-row").display = False
        changed = self.finding
        self.find_term, self.find_status = "", ClientFilter.open
        self.query_one("#board-find-status", Static).update(self._find_words())
        if changed:
            self.reload()
        self._show_status()
        self.focus_main()

    # -- the staff filter ----------------------------------------------------------------------------
    def action_board_filter(self) -> None:
        row = self.query_one("#filter-row")
        row.display = True
        field = self.query_one("#filter-input", Input)
        if self.data is not None:
            names = sorted(
                {s.staff.login for s in self.data.staff} | {s.staff.name for s in self.data.staff}
            )
            field.suggester = SuggestFromList(names, case_sensitive=False)
        field.focus()

    @on(Input.Submitted, "#filter-input")
    def _filter_typed(self, event: Input.Submitted) -> None:
        typed = event.value.strip()
        if not typed:
            self.clear_filter()
            return
        staff = [load.staff for load in self.data.staff] if self.data is not None else []
        found = match_staff(staff, typed, self.tags)
        if isinstance(found, str):
            self.notify(found, severity="warning", markup=False)
            return
        self.set_filter(found.id)

    def set_filter(self, staff_id: int) -> None:
        self.filter_id = staff_id
        self.query_one("#filter-row").display = False
        self.show_view("episodes") if self.view != "episodes" else self.focus_main()
        self._show_status()
        self.reload()

    def clear_filter(self) -> None:
        self.query_one("#filter-input", Input).value = ""
        self.query_one("#filter-row").display = False
        if self.filter_id is not None:
            self.filter_id = None
            self.reload()
        self._show_status()
        self.focus_main()

    # -- actions ---------------------------------------------------------------------------------------
    def selected_episode(self, quiet: bool = False) -> EpisodeView | None:
        """The client of the highlighted row: an episode, or the client of a break."""
        item = self.current_item()
        episode: EpisodeView | None = None
        if isinstance(item, EpisodeView):
            episode = item
        elif isinstance(item, ContinuityBreak):
            episode = self.lists["episodes"].get(str(item.client_id))
        if episode is None and not quiet:
            where = (
                " (w: the staff list has no clients; k or w again goes back)"
                if self.view == "staff"
                else ""
            )
            self.notify(f"No client is selected{where}.", severity="warning", markup=False)
        return episode

    def action_core_team(self) -> None:
        episode = self.selected_episode()
        if episode is None:
            return

        def done(saved: bool | None) -> None:
            if saved:
                self.post_message(
                    self.Written(f"Core team saved: {visible(episode.name)}.", episode.client_id)
                )

        def opened() -> None:
            from .core_team_dialog import CoreTeamDialog

            dialog = CoreTeamDialog(episode.client_id, episode.name, flags=episode.safeguarding)
            self.app.push_screen(dialog, done)

        self._when_permitted(opened)

    def action_record_absence(self) -> None:
        if self.data is None:
            return
        staff = [load.staff for load in self.data.staff]
        chosen = self.filter_id
        load = self.current_item()
        if isinstance(load, StaffLoad):
            chosen = load.staff.id

        def done(absence_id: int | None) -> None:
            if absence_id is None:
                return
            self.wrote()
            self.reload()
            from .absence_impact import AbsenceImpact

            self.app.push_screen(AbsenceImpact(absence_id))

        def opened() -> None:
            from .absence_form import AbsenceForm

            self.app.push_screen(AbsenceForm(staff, self.tags, chosen), done)

        self._when_permitted(opened)

    def action_discharge(self) -> None:
        episode = self.selected_episode()
        if episode is None:
            return

        def done(saved: bool | None) -> None:
            if saved:
                self.post_message(
                    self.Written(
                        f"Discharged: {visible(episode.name)}. It stays in the history and exports.",
                        episode.client_id,
                        closed=True,
                    )
                )

        def opened() -> None:
            from .discharge_form import DischargeForm

            self.app.push_screen(DischargeForm(episode), done)

        self._when_permitted(opened)

    def action_reverse_accept(self) -> None:
        """Reverse the selected client's acceptance (the place given back), with a reason."""
        episode = self.selected_episode()
        if episode is None:
            return
        from .reverse import reverse_accept_explanation

        repo = self.duty_app.repo

        def save(_choice: str | None, reason: str) -> bool:
            repo.reverse_decision(episode.referral_id, reason)
            return True

        def done(saved: bool | None) -> None:
            if saved:
                self.post_message(
                    self.Written(
                        f"Acceptance reversed: {visible(episode.name)} is back in the queue "
                        "as a new referral; the place is given back.",
                        episode.client_id,
                        closed=True,
                    )
                )

        def opened() -> None:
            from .reason_dialog import ReasonDialog

            dialog = ReasonDialog(
                title="Reverse acceptance",
                subject=episode.name,
                flags=episode.safeguarding,
                explanation=reverse_accept_explanation(episode.accepted_at, self.duty_app.config),
                reason_label="Reason",
                confirm="Reverse",
                save=save,
            )
            self.app.push_screen(dialog, done)

        self._when_permitted(opened)

    def action_board_book(self) -> None:
        episode = self.selected_episode()
        if episode is None:
            return
        from .booking import open_booking

        open_booking(self, episode.client_id, self._booked)

    def _booked(self, booked: Booked | None) -> None:
        if booked is not None:
            what = "Moved" if booked.moved else "Booked"
            self.post_message(
                self.Written(
                    f"{what}: {visible(booked.client_name)}, {booked.words}.", booked.client_id
                )
            )

    def action_client_meetings(self) -> None:
        episode = self.selected_episode()
        if episode is None:
            return
        from .client_meetings import ClientMeetings

        self.app.push_screen(
            ClientMeetings(episode.client_id, episode.name, self.tags), self._meeting_chosen
        )

    def _meeting_chosen(self, meeting: MeetingView | None) -> None:
        if meeting is not None:
            self.run_worker(self._go_to_day(meeting), exclusive=False)

    async def _go_to_day(self, meeting: MeetingView) -> None:
        """The day view on the meeting's day, with the cursor on the meeting."""
        from .day import DayScreen

        await self.duty_app.show_mode("day")
        screen = self.app.screen
        if isinstance(screen, DayScreen):
            screen.show_meeting(meeting)

    def action_original_referral(self) -> None:
        episode = self.selected_episode()
        if episode is None:
            return
        from .referral_view import ReferralScreen

        self.app.push_screen(ReferralScreen(episode.referral_id, episode.name))

    def action_edit_referral(self) -> None:
        """Correct the details of the selected client's referral (read first, in a worker)."""
        episode = self.selected_episode()
        if episode is None:
            return
        if self.duty_app.privacy:
            from .queue import PRIVACY_EDIT

            self.notify(PRIVACY_EDIT, severity="warning", markup=False)
            return
        self._when_permitted(lambda: self.load_for_edit(episode.referral_id, episode.client_id))

    @work(thread=True, exit_on_error=False, group="edit-load", description="load a referral")
    def load_for_edit(self, referral_id: int, client_id: int) -> None:
        self.post_message(self.EditLoaded(self.duty_app.repo.referral(referral_id), client_id))

    def on_board_screen_edit_loaded(self, message: EditLoaded) -> None:
        from .referral_form import ReferralEditForm

        referral, client_id = message.referral, message.client_id

        def saved(view: ReferralView | None) -> None:
            if view is None:
                return
            note = (
                f"Details corrected: {visible(view.name)}."
                if view.version != referral.version
                else "Nothing was changed."
            )
            self.post_message(self.Written(note, client_id))

        self.app.push_screen(ReferralEditForm(referral), saved)

    def action_handover_note(self) -> None:
        """A handover note about the selected client (screens/note_dialog.py)."""
        episode = self.selected_episode()
        if episode is None:
            return
        repo = self.duty_app.repo
        client_id, name = episode.client_id, episode.name

        def opened() -> None:
            from .note_dialog import NoteDialog

            def done(saved: bool | None) -> None:
                if saved:
                    self.notify(f"Handover note added: {visible(name)}.", markup=False)
                    self.wrote()
                    self.reload()

            dialog = NoteDialog(
                name,
                lambda text: repo.add_note(text, client_id=client_id),
                flags=episode.safeguarding,
            )
            self.app.push_screen(dialog, done)

        self._when_permitted(opened)

    def action_client_history(self) -> None:
        """The history of the client, or in the staff list of the staff member (absences,
        capacity, joining and leaving)."""
        if self.view == "staff":
            load = self.current_item()
            if isinstance(load, StaffLoad):
                from .history import HistoryScreen

                self.app.push_screen(HistoryScreen(load.staff.id, load.staff.name, "staff"))
            return
        episode = self.selected_episode()
        if episode is None:
            return
        from .client_history import ClientHistoryScreen

        self.app.push_screen(ClientHistoryScreen(episode.client_id, episode.name))

    def on_board_screen_written(self, message: Written) -> None:
        self.wrote()  # a read already under way may not see this change yet
        key = str(message.client_id) if message.client_id is not None else None
        episodes = self.lists["episodes"]
        if message.closed and key is not None and key in episodes:
            table = self.table("episodes")
            self.apply_rows(
                table,
                [row for row in self.held_rows(table, episodes) if row[0] != key],
                episodes,
                select=False,
            )
            self.refresh_detail(force=True)
        elif key is not None:
            self.select_after_load = key
        self.notify(message.note, markup=False)
        self.reload()

    # -- command palette ---------------------------------------------------------------------------------
    def palette_commands(self) -> list[PaletteCommand]:
        episode = self.selected_episode(quiet=True)
        subject = episode.name if episode else None
        commands = [
            PaletteCommand(
                "Record absence",
                "A staff member away: who and which meetings it hits (a)",
                self.action_record_absence,
            ),
            PaletteCommand(
                "Filter by staff member", "Only their clients (s)", self.action_board_filter
            ),
            PaletteCommand(
                "Breaks in continuity",
                "List them, or back to the episodes (k)",
                self.action_breaks_view,
            ),
            PaletteCommand(
                "Staff caseloads", "Caseload, capacity and absences (w)", self.action_staff_view
            ),
            PaletteCommand(
                "Find a client", "By name, NHS number or postcode (/)", self.action_board_find
            ),
            PaletteCommand(
                f"Find among {self.find_status.next().words}",
                f"Now: {self.find_status.words} (open, discharged, all)",
                self.action_board_find_status,
            ),
        ]
        if self.finding:
            commands.append(
                PaletteCommand("Clear find", "Every open episode (escape)", self.clear_find)
            )
        if self.filter_id is not None:
            commands.append(
                PaletteCommand(
                    "Clear staff filter", "Every open episode (escape)", self.clear_filter
                )
            )
        if episode is not None:
            commands += [
                PaletteCommand(
                    "Core team and key worker",
                    "Choose them, with a reason (t)",
                    self.action_core_team,
                    subject,
                ),
                PaletteCommand(
                    "Book next meeting", "For this client (b)", self.action_board_book, subject
                ),
                PaletteCommand(
                    "Client's meetings",
                    "Every meeting; enter opens its day (m)",
                    self.action_client_meetings,
                    subject,
                ),
                PaletteCommand(
                    "Original referral",
                    "As received, and its history (r)",
                    self.action_original_referral,
                    subject,
                ),
                PaletteCommand(
                    "Client history", "From the audit log (h)", self.action_client_history, subject
                ),
                PaletteCommand(
                    "Correct referral details",
                    "Name, date of birth, NHS number, address, language... (e)",
                    self.action_edit_referral,
                    subject,
                ),
                PaletteCommand(
                    "Discharge",
                    "End the episode: primary care or other (d)",
                    self.action_discharge,
                    subject,
                ),
                PaletteCommand(
                    "Reverse acceptance",
                    "A mistake: the place given back, with a reason (u)",
                    self.action_reverse_accept,
                    subject,
                ),
                PaletteCommand(
                    "Handover note",
                    "For the next duty worker (N)",
                    self.action_handover_note,
                    subject,
                ),
            ]
        return commands
