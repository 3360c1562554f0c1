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

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.cache import LRUCache
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.suggester import SuggestFromList
from textual.widgets import DataTable, Footer, Input, Label, Static

from duty_desk import timeutil
from duty_desk.views import BoardData, ContinuityBreak, EpisodeView, StaffLoad, StaffView

from . import board_render as render
from .base import ReportsWorkerErrors, StaffOnly
from .board_rows import SPECS, VIEWS, DrawnRows, Row, draw
from .commands import PaletteCommand
from .fixed_table import FixedTable
from .literal import assemble, literal, visible
from .widgets import TextInput, TitleBar

if TYPE_CHECKING:
    from duty_desk.views import MeetingView

    from .app import DutyDeskApp
    from .booking import Booked

RETRY_SECONDS = 5.0
REDRAW_SECONDS = 300.0  # "Mon 09:00" labels and weeks move with time: read again now and then


class BoardTable(FixedTable):
    """One of the board's lists; rows keyed by a stable id (cells: ``board_rows.LazyCell``)."""

    DEFAULT_CSS = """
    BoardTable { height: 1fr; scrollbar-size-vertical: 1; }
    """

    _drawn_cells: LRUCache[tuple[Any, ...], Any] | None = None

    def _render_cell(self, row_index: int, column_index: int, base_style: Style, width: int,
                     cursor: bool = False, hover: bool = False) -> Any:
        # DataTable keys the cells it has drawn on a counter that every change moves on, so
        # one changed row draws every cell on screen again (about 0.2 ms each). Board cells
        # are never changed in place (a changed row gets new cell objects): the cell object,
        # with where and how it is drawn, keys this cache instead.
        if row_index < 0 or column_index < 0:  # the header
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        cache = self._drawn_cells
        if cache is None:
            cache = self._drawn_cells = LRUCache(2000)
        row_key = self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        key = (self._data[row_key][column_key], row_index, column_index, base_style, width,
               cursor, hover, self.show_cursor, self._show_hover_cursor,
               self._pseudo_class_state)
        lines = cache.get(key)
        if lines is None:
            lines = cache[key] = super()._render_cell(row_index, column_index, base_style,
                                                      width, cursor, hover)
        return lines

    def _clear_caches(self) -> None:
        super()._clear_caches()
        if self._drawn_cells is not None:
            self._drawn_cells.clear()

    def notify_style_update(self) -> None:
        if self._drawn_cells is not None:
            self._drawn_cells.clear()
        super().notify_style_update()


class BoardScreen(StaffOnly, ReportsWorkerErrors, Screen[None]):
    """Open episodes with their core teams and continuity, breaks, and staff caseloads."""

    CSS_PATH = "board.tcss"
    BINDINGS = [
        Binding("t", "core_team", "Team", id="core_team",
                tooltip="Choose the core team and key worker, with a reason"),
        Binding("a", "record_absence", "Away", id="record_absence",
                tooltip="Record a staff absence and see who it affects"),
        Binding("d", "discharge", "Discharge", id="discharge", tooltip="End the episode"),
        Binding("b", "board_book", "Book", id="board_book", tooltip="Book the next meeting"),
        Binding("m", "client_meetings", "Mtgs", id="client_meetings",
                tooltip="The client's meetings"),
        Binding("r", "original_referral", "Ref", id="original_referral",
                tooltip="The original referral and its history"),
        Binding("h", "client_history", "Hist", id="client_history",
                tooltip="The client's history from the audit log"),
        Binding("s", "board_filter", "Filter", id="board_filter",
                tooltip="Only one staff member's clients"),
        Binding("k", "breaks_view", "Breaks", id="breaks_view",
                tooltip="Breaks in continuity (again: the episodes)"),
        Binding("w", "staff_view", "Staff", id="staff_view",
                tooltip="Staff caseloads and absences (again: the episodes)"),
        Binding("escape", "board_back", "Back", show=False, id="board_back"),
        Binding("q", "app.quit", "Quit", show=False, id="board_quit"),
    ]
    """
    | key    | id                | action                                                     |
    |--------|-------------------|------------------------------------------------------------|
    | t      | core_team         | choose the core team (2-3) and key worker, with a reason   |
    | a      | record_absence    | record a staff absence; then every client and meeting hit  |
    | d      | discharge         | end the episode: to primary care or other, date, reason    |
    | b      | board_book        | book the next meeting for the client                       |
    | m      | client_meetings   | the client's meetings (enter: that day in the day view)    |
    | r      | original_referral | the original referral (h there: its history)               |
    | h      | client_history    | history from the audit log: the client (staff list: person)|
    | s      | board_filter      | only one staff member's clients (core team or key worker)  |
    | k      | breaks_view       | the breaks in continuity (again: back to the episodes)     |
    | w      | staff_view        | staff caseloads and absences (again: back to the episodes) |
    | escape | board_back        | back to the episodes; again: clear the filter              |
    | q      | board_quit        | quit                                                       |
    Any of these ids can be given another key in config.toml under [keys].
    """

    # -- messages -------------------------------------------------------------------------------
    @dataclass
    class Loaded(Message):
        data: BoardData
        tags: dict[int, str]
        rows: dict[str, tuple[Row, ...]]
        staff: StaffView | None
        filter_id: int | None
        writes: int

    @dataclass
    class Written(Message):
        note: str
        client_id: int | None = None
        closed: bool = False  # the episode left the board


    def __init__(self) -> None:
        super().__init__()
        self.view = "episodes"
        self.filter_id: int | None = None
        self.data: BoardData | None = None
        self.tags: dict[int, str] = {}
        self.items: dict[str, dict[str, Any]] = {name: {} for name in VIEWS}
        self._drawings: dict[str, dict[str, Any]] = {name: {} for name in VIEWS}
        self._drawn = DrawnRows()  # used by the load worker only
        self._loading = False
        self._load_again = False
        self._loaded_once = False
        self._writes = 0
        self._select_after_load: int | None = None
        self._detail_for: tuple[str, str | None] | None = None

    @property
    def duty_app(self) -> DutyDeskApp:
        return self.app  # type: ignore[return-value]

    @property
    def tz(self) -> str:
        return self.duty_app.config.team.timezone

    # -- layout ---------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        config = self.duty_app.config
        yield TitleBar(config.team.name, current="show_board")
        yield Static(id="view-only")
        yield Static(Text("Loading the board...", end=""), id="board-status")
        with Horizontal(id="filter-row"):
            yield Label("Staff:")
            yield TextInput(placeholder="a tag, login or part of a name; Enter filters",
                            id="filter-input", compact=True)
        for name in VIEWS:
            yield BoardTable(id=name, cursor_type="row", cell_padding=0, zebra_stripes=False)
        with VerticalScroll(id="board-detail"):
            yield Static(Text("", end=""), id="board-detail-body")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        width = self.app.size.width
        for name, spec in SPECS.items():
            table = self.query_one(f"#{name}", BoardTable)
            flex = render.flex_width(width, spec.widths)
            for key, header in spec.columns:
                size = flex if key == spec.flex else spec.widths[key]
                table.add_column(Text(" " + header, style="bold"), key=key, width=size + 1)
            table.display = name == self.view
        self.query_one("#episodes", BoardTable).focus()
        self.query_one("#board-detail", VerticalScroll).border_title = "Client"
        self.reload()
        self.set_interval(REDRAW_SECONDS, self.reload)

    def on_resize(self) -> None:
        self.set_class(self.size.height >= 34, "-tall")
        for name, spec in SPECS.items():
            table = self.query_one(f"#{name}", BoardTable)
            width = render.flex_width(self.size.width, spec.widths) + 1
            column = table.columns.get(spec.flex)  # type: ignore[call-overload]
            if column is not None and column.width != width:
                column.width = width
                table.refresh(layout=True)
                table._require_update_dimensions = True  # noqa: SLF001 - no public API to resize

    def table(self, view: str | None = None) -> BoardTable:
        return self.query_one(f"#{view or self.view}", BoardTable)

    def focus_main(self) -> None:
        self.table().focus()

    # -- loading ---------------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the board again (now, or as soon as the running read ends)."""
        if self._loading:
            self._load_again = True
            return
        self._loading = True
        self.duty_app.about_to_read(self)  # commits so far: the read about to start sees them
        self.load_board(self.filter_id, self._writes)

    def changed_elsewhere(self) -> None:
        """Called by the app when someone committed (now, or when this screen is shown)."""
        self.reload()

    def _load_done(self) -> None:
        self._loading = False
        if self._load_again:
            self._load_again = False
            self.reload()

    def worker_failed(self, worker: Any) -> None:
        if worker.group == "board-load":
            self._load_done()
            if not self._loaded_once:
                self.query_one("#board-detail-body", Static).update(Text(
                    "The board could not be read (see the message); trying again shortly."))
                self.set_timer(RETRY_SECONDS, self.reload)

    @work(thread=True, exit_on_error=False, group="board-load", description="load the board")
    def load_board(self, filter_id: int | None, writes: int) -> None:
        app = self.duty_app
        app.wait_for_change_baseline()  # before the read: nothing committed before is missed
        staff = app.repo.acting_staff()
        data = app.repo.board(filter_id)
        tags, rows = draw(data, app.config, self._drawn)
        self.post_message(self.Loaded(data, tags, rows, staff, filter_id, writes))

    def on_board_screen_loaded(self, message: Loaded) -> None:
        if message.filter_id != self.filter_id or message.writes != self._writes:
            # A newer filter, or our own change that this read may predate: read again.
            self._load_again = True
            self._load_done()
            return
        self._load_done()
        app = self.duty_app
        app.staff = message.staff
        self._show_actor(message.staff)
        self.data = message.data
        self.tags = message.tags
        select = self._select_after_load
        self._select_after_load = None
        for name in VIEWS:
            keep = str(select) if name == "episodes" and select is not None else None
            self._apply(name, message.rows[name], keep)
        self._loaded_once = True
        self._show_status()
        self._refresh_detail(force=True)

    def _show_actor(self, staff: StaffView | None) -> None:
        login = self.duty_app.actor
        self.query_one(TitleBar).show_actor(login, staff)
        notice = self.query_one("#view-only", Static)
        notice.display = staff is None
        if staff is None:
            notice.update(assemble(
                "View only: ", literal(repr(login)),
                " is not on the staff list; you can look but not change.",
            ))

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
        text.append(f"{count} open episode{'s' if count != 1 else ''}")
        breaks = len(data.breaks)
        text.append("  ")
        if breaks:
            text.append(f"{breaks} BREAK{'S' if breaks != 1 else ''} in continuity", style="bold reverse")
            if self.view != "breaks":
                text.append(f" ({self._key('breaks_view')} lists them)")
        else:
            text.append("no breaks in continuity")
        staff = self.filter_staff()
        if staff is not None:
            text.append("  ")
            text.append_text(assemble(("Filter: ", "bold"), literal(self.tags.get(staff.id, "?")),
                                      " ", literal(staff.name)))
        self.query_one("#board-status", Static).update(text)

    def _key(self, binding_id: str) -> str:
        for binding in self.BINDINGS:
            if isinstance(binding, Binding) and binding.id == binding_id:
                keymap = getattr(self.app, "_keymap", {}) or {}
                return keymap.get(binding_id, binding.key).split(",")[0]
        return "?"

    # -- the tables, updated in place -----------------------------------------------------------------
    def current_key(self, view: str | None = None) -> str | None:
        table = self.table(view)
        if table.row_count == 0:
            return None
        try:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        except Exception:  # noqa: BLE001 - cursor outside the rows while they change
            return None
        return key.value

    def current_item(self, view: str | None = None) -> Any:
        name = view or self.view
        key = self.current_key(name)
        return self.items[name].get(key) if key is not None else None

    def _apply(self, name: str, rows: tuple[Row, ...], keep: str | None = None) -> None:
        """Bring one table to ``rows``: only rows with a new drawing change (the same drawing
        object means the same cells), rows come and go by key, and the order is restored
        by a sort only when it differs."""
        table = self.table(name)
        spec = SPECS[name]
        items = self.items[name]
        drawings = self._drawings[name]
        fresh = {row[0] for row in rows}
        if keep is None or keep not in fresh:
            keep = self.current_key(name)
        gone = [k for k in items if k not in fresh]
        redrawn = sum(1 for key, _, drawing in rows
                      if key in drawings and drawings[key] is not drawing)
        if len(gone) > max(20, len(items) // 4) or redrawn > max(50, len(items) // 4):
            # remove_row renumbers every row, update_cell clears every cache: many at once
            # (a filter, a new day) cost more than a refill.
            table.clear()
            items.clear()
            drawings.clear()
            gone = []
        for key in gone:
            table.remove_row(key)
            del items[key]
            del drawings[key]
        columns = [column for column, _ in spec.columns]
        added = []
        for key, item, drawing in rows:
            old = drawings.get(key)
            if old is None:
                added.append((key, drawing.cells_in_order))
            elif old is not drawing:
                for column, value in zip(columns, drawing.cells_in_order, strict=True):
                    table.update_cell(key, column, value)
            items[key] = item
            drawings[key] = drawing
        table.add_rows_at_end(added)
        order = [row[0] for row in rows]
        if [row.key.value for row in table.ordered_rows] != order:
            position = {key: index for index, key in enumerate(order)}
            table.sort(spec.sort_column,
                       key=lambda cell: position.get(getattr(cell, "key", ""), 0))
        if keep is not None and keep in fresh:
            index = table.get_row_index(keep)
            if table.cursor_row != index:
                table.move_cursor(row=index)

    # -- the detail pane ------------------------------------------------------------------------------
    @on(DataTable.RowHighlighted)
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == self.view:
            self._refresh_detail()

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter: a break goes to its client; a staff member filters; an episode, the details."""
        if event.data_table.id != self.view:
            return
        if self.view == "breaks":
            item = self.current_item()
            if isinstance(item, ContinuityBreak):
                self._show_client(item.client_id)
        elif self.view == "staff":
            load = self.current_item()
            if isinstance(load, StaffLoad):
                self.set_filter(load.staff.id)
        else:
            self.query_one("#board-detail", VerticalScroll).focus()

    def _refresh_detail(self, force: bool = False) -> None:
        key = (self.view, self.current_key())
        if key == self._detail_for and not force:
            return
        if key != self._detail_for:
            self.query_one("#board-detail", VerticalScroll).scroll_home(animate=False)
        self._detail_for = key
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
                body.update(render.episode_detail(item, breaks, now, config, self.tags))
            elif self.filter_id is not None:
                body.update(Text("Nobody's core team includes them. Escape shows every episode."))
            else:
                body.update(Text("No open episodes. Accepting a referral in the queue (1) "
                                 "opens one."))
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
        self._refresh_detail(force=True)

    def action_breaks_view(self) -> None:
        self.show_view("breaks")

    def action_staff_view(self) -> None:
        self.show_view("staff")

    def _show_client(self, client_id: int) -> None:
        """The episodes list with the cursor on this client (clearing a filter that hides it)."""
        if str(client_id) not in self.items["episodes"] and self.filter_id is not None:
            self.filter_id = None
            self._select_after_load = client_id
            self.reload()
        self.show_view("episodes")
        key = str(client_id)
        table = self.table("episodes")
        if key in self.items["episodes"]:
            table.move_cursor(row=table.get_row_index(key))
        self._refresh_detail(force=True)

    def action_board_back(self) -> None:
        if self.query_one("#board-detail", VerticalScroll).has_focus:
            self.focus_main()
        elif self.query_one("#filter-row").display:
            self.query_one("#filter-row").display = False
            self.focus_main()
        elif self.view != "episodes":
            self.show_view("episodes")
        elif self.filter_id is not None:
            self.clear_filter()

    # -- the staff filter ----------------------------------------------------------------------------
    def action_board_filter(self) -> None:
        row = self.query_one("#filter-row")
        row.display = True
        field = self.query_one("#filter-input", Input)
        if self.data is not None:
            names = sorted({s.staff.login for s in self.data.staff}
                           | {s.staff.name for s in self.data.staff})
            field.suggester = SuggestFromList(names, case_sensitive=False)
        field.focus()

    @on(Input.Submitted, "#filter-input")
    def _filter_typed(self, event: Input.Submitted) -> None:
        typed = event.value.strip()
        if not typed:
            self.clear_filter()
            return
        staff = [load.staff for load in self.data.staff] if self.data is not None else []
        lowered = typed.casefold()
        exact = [s for s in staff if lowered in (s.login.casefold(), s.name.casefold(),
                                                 self.tags.get(s.id, "").casefold())]
        found = exact or [s for s in staff if lowered in s.login.casefold()
                          or lowered in s.name.casefold()]
        if len(found) != 1:
            if not found:
                note = f"No active staff member matches {visible(typed)!r}."
            else:
                shown = ", ".join(visible(s.login) for s in found[:5])
                more = "..." if len(found) > 5 else ""
                note = f"{len(found)} staff match: {shown}{more}. Type more of the name or login."
            self.notify(note, severity="warning", markup=False)
            return
        self.set_filter(found[0].id)

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
            episode = self.items["episodes"].get(str(item.client_id))
        if episode is None and not quiet:
            where = " (w: the staff list has no clients; k or w again goes back)" \
                if self.view == "staff" else ""
            self.notify(f"No client is selected{where}.", severity="warning", markup=False)
        return episode

    def action_core_team(self) -> None:
        episode = self.selected_episode()
        if episode is None:
            return

        def done(saved: bool | None) -> None:
            if saved:
                self.post_message(self.Written(
                    f"Core team saved: {visible(episode.name)}.", episode.client_id))

        def opened() -> None:
            from .core_team_dialog import CoreTeamDialog

            self.app.push_screen(CoreTeamDialog(episode.client_id, episode.name), done)

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
            self._writes += 1
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
                self.post_message(self.Written(
                    f"Discharged: {visible(episode.name)}. It stays in the history and exports.",
                    episode.client_id, closed=True))

        def opened() -> None:
            from .discharge_form import DischargeForm

            self.app.push_screen(DischargeForm(episode), done)

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
            self.post_message(self.Written(f"{what}: {visible(booked.client_name)}, {booked.words}.",
                                           booked.client_id))

    def action_client_meetings(self) -> None:
        episode = self.selected_episode()
        if episode is None:
            return
        from .client_meetings import ClientMeetings

        self.app.push_screen(ClientMeetings(episode.client_id, episode.name, self.tags),
                             self._meeting_chosen)

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
        self._writes += 1  # a read already under way may not see this change yet
        key = str(message.client_id) if message.client_id is not None else None
        if message.closed and key is not None and key in self.items["episodes"]:
            self.table("episodes").remove_row(key)
            del self.items["episodes"][key]
            del self._drawings["episodes"][key]
            self._refresh_detail(force=True)
        elif message.client_id is not None:
            self._select_after_load = message.client_id
        self.notify(message.note, markup=False)
        self.reload()

    # -- command palette ---------------------------------------------------------------------------------
    def palette_commands(self) -> list[PaletteCommand]:
        episode = self.selected_episode(quiet=True)
        subject = episode.name if episode else None
        commands = [
            PaletteCommand("Record absence", "A staff member away: who and which meetings it hits (a)",
                           self.action_record_absence),
            PaletteCommand("Filter by staff member", "Only their clients (s)",
                           self.action_board_filter),
            PaletteCommand("Breaks in continuity", "List them, or back to the episodes (k)",
                           self.action_breaks_view),
            PaletteCommand("Staff caseloads", "Caseload, capacity and absences (w)",
                           self.action_staff_view),
        ]
        if self.filter_id is not None:
            commands.append(PaletteCommand("Clear staff filter", "Every open episode (escape)",
                                           self.clear_filter))
        if episode is not None:
            commands += [
                PaletteCommand("Core team and key worker", "Choose them, with a reason (t)",
                               self.action_core_team, subject),
                PaletteCommand("Book next meeting", "For this client (b)",
                               self.action_board_book, subject),
                PaletteCommand("Client's meetings", "Every meeting; enter opens its day (m)",
                               self.action_client_meetings, subject),
                PaletteCommand("Original referral", "As received, and its history (r)",
                               self.action_original_referral, subject),
                PaletteCommand("Client history", "From the audit log (h)",
                               self.action_client_history, subject),
                PaletteCommand("Discharge", "End the episode: primary care or other (d)",
                               self.action_discharge, subject),
            ]
        return commands
