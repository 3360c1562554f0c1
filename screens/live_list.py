"""One base for the live list screens (queue, board, day): what each used to carry a copy of.

A screen built on :class:`LiveList` supplies

- ``read(query)``: runs in a thread worker, returns what :meth:`LiveList.show` needs
  (rows drawn there too, off the UI thread);
- ``load_query()``: what a result must still match when it arrives (search, filter, day);
- ``show(result)``: on the UI thread, puts the rows into its :class:`KeyedTable` (with
  :meth:`LiveList.apply_rows`: by stable key, the cursor stays on its row);
- ``show_detail()``: the pane below for the current row; ``flex_width()``: the width of
  the column that grows with the terminal; and its own actions and bindings.

The base owns one load at a time with "load again" coalescing, the stale-result check (a
result for an old query, or begun before our own last write, is dropped and read again),
worker failures, the actor line and view-only notice, resizing, the detail pane refresh
when the current row changes, and the live hook: the app's one change feed
(screens/live.py) calls :meth:`LiveList.changed_elsewhere` while the screen is shown, or
when it is shown again after someone committed; each read first waits for the feed's
baseline, so nothing committed before it is missed, and a change the feed found before a
read began is not read a second time (:meth:`LiveList.read_covers`).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import Worker

from duty_desk.views import StaffView

from .base import ReportsWorkerErrors, StaffOnly
from .closed_banner import ClosedBanner
from .keyed_table import KeyedTable, RowCells
from .literal import assemble, literal, visible
from .widgets import TitleBar

if TYPE_CHECKING:
    from .app import DutyDeskApp

RETRY_SECONDS = 5.0
TALL = 34  # from this height the detail pane gets more room (the "-tall" class)


def match_staff(
    staff: Iterable[StaffView], typed: str, tags: dict[int, str] | None = None
) -> StaffView | str:
    """The one staff member ``typed`` names (login, name or tag; exactly, else a part of
    the login or name), or a sentence saying why not (none, or several)."""
    staff = list(staff)
    tags = tags or {}
    lowered = typed.casefold()
    exact = [
        s
        for s in staff
        if lowered in (s.login.casefold(), s.name.casefold(), tags.get(s.id, "\0").casefold())
    ]
    found = exact or [
        s for s in staff if lowered in s.login.casefold() or lowered in s.name.casefold()
    ]
    if len(found) == 1:
        return found[0]
    if not found:
        return f"No active staff member matches {visible(typed)!r}."
    shown = ", ".join(visible(s.login) for s in found[:5])
    more = "..." if len(found) > 5 else ""
    return f"{len(found)} staff match: {shown}{more}. Type more of the name or login."


class LiveList(StaffOnly, ReportsWorkerErrors, Screen[None]):
    """A screen of keyed lists kept live; see the module docstring for what a screen adds."""

    NOUN: ClassVar[str] = "list"  # "The <noun> could not be read"
    DETAIL_PANE: ClassVar[str] = "#detail"
    DETAIL_BODY: ClassVar[str] = "#detail-body"
    LOAD_GROUP: ClassVar[str] = "list-load"

    @dataclass
    class Loaded(Message):
        """A read finished: for ``query``, begun after ``writes`` of our own writes."""

        query: Hashable
        writes: int
        staff: StaffView | None
        result: Any

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[str, Any] = {}  # the main table's items by row key
        self.select_after_load: str | None = None  # the row the cursor goes to next load
        self._loading = False
        self._load_again = False
        self._loaded_once = False
        self._writes = 0
        # The change feed's generation when the newest read began (0: no read that counts).
        self._read_from = 0
        self._detail_for: Hashable = ()

    @property
    def duty_app(self) -> DutyDeskApp:
        return self.app  # type: ignore[return-value]

    # -- what a screen supplies ---------------------------------------------------------------
    def load_query(self) -> Hashable:
        """What a result must still match when it arrives (a search, a filter, a day)."""
        return None

    def read(self, query: Any) -> Any:
        """Read (and draw) in the worker thread: everything :meth:`show` needs."""
        raise NotImplementedError

    def show(self, result: Any) -> None:
        """Put a fresh result on screen (UI thread)."""
        raise NotImplementedError

    def show_detail(self) -> None:
        """Draw the detail pane for the current row."""

    SHED: ClassVar[tuple[str, ...]] = ()
    """Column keys a narrow terminal may hide, the first named first (``KeyedTable.fit``);
    the status column is never named, so every screen keeps it at 60x20."""

    def flex_width(self, table: KeyedTable, total: int) -> int | None:
        """The width of ``table``'s flexible column in ``total`` columns (None: leave it)."""
        return None

    def main_table(self) -> KeyedTable:
        """The table whose cursor is "the current row" (the one shown)."""
        return self.query_one(KeyedTable)

    def focus_main(self) -> None:
        self.main_table().focus()

    # -- mounting and the live check ----------------------------------------------------------
    def on_mount(self) -> None:  # runs after the screen's own on_mount (Textual walks the MRO)
        self.query_one(self.DETAIL_PANE, VerticalScroll)  # fail early on a wrong id
        # The closed-hours banner (screens/closed_banner.py), once, under the title bar.
        self.mount(ClosedBanner(), before=self.query_one("#view-only"))
        self.reload()

    def changed_elsewhere(self) -> None:
        """Someone else committed: read again (the app's change feed calls this)."""
        self.reload()

    def read_covers(self, generation: int) -> bool:
        """Whether the newest read (shown, or under way) began after the change feed's
        ``generation``-th finding, so that it has the commit found then (the app then
        does not call :meth:`changed_elsewhere` for it)."""
        return 0 < generation <= self._read_from

    def on_resize(self) -> None:
        self.set_class(self.size.height >= TALL, "-tall")
        for table in self.query(KeyedTable):
            width = self.flex_width(table, self.size.width)
            if table.flex_column is not None and width is not None:
                table.set_column_width(table.flex_column, width + 1)
        self.call_after_refresh(self.fit_columns)  # once the tables have their new size

    def fit_columns(self) -> None:
        """Hide the columns named in ``SHED`` that the tables have no room for (the status
        column never), and give what that frees to the flexible column."""
        for table in self.query(KeyedTable):
            if not table.size.width:
                continue
            room_for = table.size.width - table.styles.scrollbar_size_vertical
            table.fit(room_for, self.SHED)
            room = room_for - table.table_width
            if table.flex_column is not None and table.hidden_columns and room > 0:
                flex = next(c for c in table.columns if c.key == table.flex_column)
                table.set_column_width(table.flex_column, flex.width + room)  # what was freed

    # -- loading ------------------------------------------------------------------------------
    # One load at a time. A request while one runs is remembered and run straight after,
    # so the newest state always arrives, no threads pile up, and no worker is cancelled.

    def reload(self) -> None:
        """Read again (now, or as soon as the running read ends)."""
        if self._loading:
            self._load_again = True
            return
        self._loading = True
        # Commits so far are in this read: no second reload for them.
        self._read_from = self.duty_app.about_to_read(self)
        query, writes = self.load_query(), self._writes
        self.run_worker(
            lambda: self._read_and_post(query, writes),
            thread=True,
            group=self.LOAD_GROUP,
            exit_on_error=False,
            description=f"load the {self.NOUN}",
        )

    @property
    def loading_now(self) -> bool:
        """Whether a read is under way (its result not yet shown)."""
        return self._loading

    def wrote(self) -> None:
        """We saved a change: a read already under way may predate it (read again then)."""
        self._writes += 1

    def _read_and_post(self, query: Hashable, writes: int) -> None:  # in the worker thread
        self.duty_app.wait_for_change_baseline()  # nothing committed before the read is missed
        staff = self.duty_app.repo.acting_staff()
        result = self.read(query)
        self.post_message(LiveList.Loaded(query, writes, staff, result))

    def _load_done(self) -> None:
        self._loading = False
        if self._load_again:
            self._load_again = False
            self.reload()

    def on_live_list_loaded(self, message: Loaded) -> None:
        if message.query != self.load_query() or message.writes != self._writes:
            # A newer query, or our own change that this read may predate (it would bring
            # a closed row back for a moment): read again instead.
            self._load_again = True
            self._load_done()
            return
        self._load_done()
        self.duty_app.staff = message.staff
        self.show_actor(message.staff)
        self.show(message.result)
        self._loaded_once = True

    def worker_failed(self, worker: Worker[Any]) -> None:
        if worker.group == self.LOAD_GROUP:
            self._read_from = 0  # what the feed found since the last good read is not shown
            self._load_done()
            if not self._loaded_once:  # nothing on screen yet: keep trying
                self.query_one(self.DETAIL_BODY, Static).update(
                    Text(
                        f"The {self.NOUN} could not be read (see the message); trying again "
                        "shortly."
                    )
                )
                self.set_timer(RETRY_SECONDS, self.reload)

    # -- the acting login -----------------------------------------------------------------------
    def show_actor(self, staff: StaffView | None) -> None:
        login = self.duty_app.actor
        self.query_one(TitleBar).show_actor(login, staff)
        notice = self.query_one("#view-only", Static)
        notice.display = staff is None
        if staff is None:
            notice.update(
                assemble(
                    "View only: ",
                    literal(repr(login)),
                    " is not on the staff list; you can look but not change.",
                )
            )

    # -- rows and the cursor ----------------------------------------------------------------------
    def apply_rows(
        self,
        table: KeyedTable,
        rows: Sequence[tuple[str, Any, RowCells]],
        items: dict[str, Any] | None = None,
        select: bool = False,
    ) -> None:
        """Bring ``table`` to ``rows`` (key, item, cells) in place; the cursor stays on its
        row, or (``select``: a fresh load) goes to :attr:`select_after_load`'s row."""
        held = self.items if items is None else items
        held.clear()
        held.update((key, item) for key, item, _ in rows)
        with self.prevent(KeyedTable.RowHighlighted):
            table.apply([(key, cells) for key, _, cells in rows])
        key = self.select_after_load
        if select and key is not None:
            self.select_after_load = None  # one load's worth: never a jump later on
            with self.prevent(KeyedTable.RowHighlighted):
                table.move_cursor_to_key(key)

    def held_rows(
        self,
        table: KeyedTable | None = None,
        items: dict[str, Any] | None = None,
    ) -> list[tuple[str, Any, RowCells]]:
        """The rows on screen as (key, item, cells), to change a few and apply again."""
        table = table or self.main_table()
        items = self.items if items is None else items
        return [(key, items[key], cells) for key, cells in table.rows_held()]

    def current_key(self) -> str | None:
        return self.main_table().current_key

    def current_item(self) -> Any:
        key = self.current_key()
        return self.items.get(key) if key is not None else None

    # -- the detail pane --------------------------------------------------------------------------
    def detail_key(self) -> Hashable:
        """What the detail pane shows (the current row); a new one scrolls it home."""
        return self.current_key()

    def refresh_detail(self, force: bool = False) -> None:
        key = self.detail_key()
        if key == self._detail_for and not force:
            return
        if key != self._detail_for:
            self.query_one(self.DETAIL_PANE, VerticalScroll).scroll_home(animate=False)
        self._detail_for = key
        self.show_detail()

    def on_keyed_table_row_highlighted(self, event: KeyedTable.RowHighlighted) -> None:
        if event.table is self.main_table():
            self.refresh_detail()

    def on_keyed_table_row_selected(self, event: KeyedTable.RowSelected) -> None:
        if event.table is self.main_table():
            self.row_selected(event.key)

    def row_selected(self, key: str) -> None:
        """Enter on a row: into the details, to scroll them (escape comes back)."""
        self.query_one(self.DETAIL_PANE, VerticalScroll).focus()
