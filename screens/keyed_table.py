"""One keyed table for every long list: fixed-width columns, one-line rows, a row cursor.

Built on Textual's public line API (``ScrollView`` + ``render_line`` -> ``Strip``). Each
row has a stable string key; the cursor follows the key when rows come, go or move.
A row's ``Strip`` is drawn once and kept (by key) until its cells, its position style
(cursor, pinned), the width, a column or the theme change, so :meth:`KeyedTable.apply`
after one changed row repaints one line, not every visible cell.

Cells are ``rich.text.Text`` (user text already literal), given in column order, or a
callable returning them (drawn the first time the row is painted or read: the board
draws 2,000 rows that way without drawing the ones never seen).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import ClassVar, NamedTuple

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

FLEX_MIN = 13
"""The narrowest the flexible column (a name) gets before :meth:`KeyedTable.fit` hides others."""

RowCells = Sequence[Text] | Callable[[], Sequence[Text]]
_COLUMN_META = tuple(Style.from_meta({"column": column}) for column in range(64))
_OUT_OF_BOUNDS = Style.from_meta({"out_of_bounds": True})


def signature(text: Text) -> tuple[str, str]:
    """What a cell looks like: its words, its style and its spans (to compare drawings)."""
    return text.plain, f"{text.style}{text.spans}"


class Column(NamedTuple):
    key: str
    label: Text
    width: int


class Row(NamedTuple):
    """A row as the tests and screens read it (``ordered_rows``)."""

    key: str


class _Entry:
    """One row: its cells (drawn on first use) and what they looked like."""

    __slots__ = ("_cells", "_source", "_signature")

    def __init__(self, source: RowCells) -> None:
        self._source = source
        self._cells: Sequence[Text] | None = None if callable(source) else source
        self._signature: tuple[tuple[str, str], ...] | None = None

    def cells(self) -> Sequence[Text]:
        cells = self._cells
        if cells is None:
            source = self._source
            assert callable(source)
            cells = self._cells = source()
        return cells

    @property
    def source(self) -> RowCells:
        return self._source

    def same_as(self, source: RowCells) -> bool:
        """The same drawing: the same object, or (plain cells) cells that look the same."""
        if source is self._source:
            return True
        if callable(source) or callable(self._source):
            return False
        if self._signature is None:
            self._signature = tuple(signature(text) for text in self.cells())
        return len(source) == len(self._signature) and all(
            signature(text) == old for text, old in zip(source, self._signature, strict=True)
        )


class KeyedTable(ScrollView, can_focus=True):
    """Rows keyed by a stable string, drawn line by line from cached strips.

    | key          | action                  |
    |--------------|-------------------------|
    | up / down    | the row above / below   |
    | pgup / pgdn  | a page up / down        |
    | home / end   | the first / last row (also ctrl+home / ctrl+end) |
    | enter        | select (``RowSelected``) |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Select", show=False),
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home,ctrl+home", "scroll_top", "First row", show=False),
        Binding("end,ctrl+end", "scroll_bottom", "Last row", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "keyed-table--header",
        "keyed-table--cursor",
        "keyed-table--fixed",
        "keyed-table--fixed-cursor",
    }
    """
    | class                      | what                                   |
    |----------------------------|----------------------------------------|
    | keyed-table--header        | the header line                        |
    | keyed-table--cursor        | the row under the cursor               |
    | keyed-table--fixed         | rows pinned at the top (``fixed_rows``) |
    | keyed-table--fixed-cursor  | a pinned row under the cursor          |
    """

    DEFAULT_CSS = """
    KeyedTable {
        background: $surface;
        color: $foreground;
        height: 1fr;
        scrollbar-size-vertical: 1;
        &:focus {
            background-tint: $foreground 5%;
            & > .keyed-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .keyed-table--header {
                background-tint: $foreground 5%;
            }
            & > .keyed-table--fixed-cursor {
                color: $block-cursor-foreground;
                background: $block-cursor-background;
            }
        }
        & > .keyed-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .keyed-table--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .keyed-table--fixed {
            background: $secondary-muted;
            color: $foreground;
        }
        & > .keyed-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        & > .keyed-table--fixed-cursor {
            background: $block-cursor-blurred-background;
            color: $foreground;
        }
    }
    """

    fixed_rows: reactive[int] = reactive(0, init=False)
    """How many rows from the top stay in sight while the others scroll."""

    @dataclass
    class RowHighlighted(Message):
        """The cursor moved to another row (``key`` None: the table is empty)."""

        table: KeyedTable
        key: str | None
        cursor_row: int

        @property
        def control(self) -> KeyedTable:
            return self.table

    @dataclass
    class RowSelected(Message):
        """Enter (or a click on the cursor row) on a row."""

        table: KeyedTable
        key: str
        cursor_row: int

        @property
        def control(self) -> KeyedTable:
            return self.table

    @dataclass
    class _Paint:
        base: Style
        header: Style
        fixed: Style
        cursor: Style
        fixed_cursor: Style
        width: int
        focused: bool
        cache: dict[tuple[str, int], Strip] = field(default_factory=dict)

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.columns: list[Column] = []
        self.flex_column: str | None = None  # the column whose width follows the terminal
        self._natural: dict[str, int] = {}  # widths of the columns fit() may hide
        self._keys: list[str] = []
        self._cursor = 0
        self._index: dict[str, int] = {}
        self._rows: dict[str, _Entry] = {}
        self._paint: KeyedTable._Paint | None = None
        self._header: Strip | None = None

    # -- columns ---------------------------------------------------------------------------
    def add_column(self, label: Text | str, *, key: str, width: int, flex: bool = False) -> None:
        """A column ``width`` cells wide; ``flex``: the one :meth:`set_column_width` resizes."""
        text = label if isinstance(label, Text) else Text(label)
        self.columns.append(Column(key, text, width))
        if flex:
            self.flex_column = key
        self._forget_drawn()
        self._update_size()

    def set_column_width(self, key: str, width: int) -> None:
        """Resize one column (e.g. the name column, as the terminal grows)."""
        for position, column in enumerate(self.columns):
            if column.key == key and column.width != width:
                self.columns[position] = column._replace(width=width)
                self._forget_drawn()
                self._update_size()
                self.refresh()

    @property
    def table_width(self) -> int:
        return sum(column.width for column in self.columns)

    def fit(self, total: int, shed: Sequence[str]) -> None:
        """Hide the columns named in ``shed`` (first named, first hidden) until the table fits
        in ``total`` cells; show them again when there is room. A column not named is never
        hidden (a list's status column, say), so a narrow terminal keeps what matters."""
        natural = self._natural
        for column in self.columns:
            if column.key in shed and column.width:
                natural[column.key] = column.width
        for key in shed:  # all back first, then shed from the start of the list
            if key in natural:
                self.set_column_width(key, natural[key])
        flex = next((c for c in self.columns if c.key == self.flex_column), None)
        over = self.table_width - total
        if flex is not None and over > 0 and flex.width > FLEX_MIN:  # a little less name first
            self.set_column_width(flex.key, max(FLEX_MIN, flex.width - over))
        for key in shed:
            if self.table_width <= total:
                break
            if key in natural:
                self.set_column_width(key, 0)

    @property
    def hidden_columns(self) -> tuple[str, ...]:
        """The columns :meth:`fit` has hidden for now."""
        return tuple(column.key for column in self.columns if column.width == 0)

    # -- reading ---------------------------------------------------------------------------
    @property
    def row_count(self) -> int:
        return len(self._keys)

    @property
    def ordered_rows(self) -> list[Row]:
        return [Row(key) for key in self._keys]

    @property
    def keys(self) -> list[str]:
        return list(self._keys)

    def __contains__(self, key: object) -> bool:
        return key in self._index

    def get_row_index(self, key: str) -> int:
        """The row's position; ``KeyError`` if there is no such row."""
        return self._index[key]

    def rows_held(self) -> list[tuple[str, RowCells]]:
        """(key, cells as given) in order: what to change and give back to :meth:`apply`."""
        return [(key, self._rows[key].source) for key in self._keys]

    def get_row(self, key: str) -> list[Text]:
        return list(self._rows[key].cells())

    def get_cell(self, key: str, column: str) -> Text:
        for position, each in enumerate(self.columns):
            if each.key == column:
                return self._rows[key].cells()[position]
        raise KeyError(column)

    @property
    def cursor_row(self) -> int:
        """The index of the row under the cursor (0 when the table is empty)."""
        return self._cursor

    @cursor_row.setter
    def cursor_row(self, row: int) -> None:
        self.move_cursor(row=row)

    @property
    def current_key(self) -> str | None:
        """The key of the row under the cursor (None when empty)."""
        return self._keys[self.cursor_row] if self._keys else None

    # -- changing ------------------------------------------------------------------------------
    def apply(self, rows: Iterable[tuple[str, RowCells]]) -> None:
        """Show exactly ``rows`` (key, cells in column order), in this order.

        Rows whose cells look the same keep their drawing; only lines whose content or
        position changed are repainted. The cursor stays on its row's key (if that row
        went, on the same position).
        """
        before_key = self.current_key
        before_row = self.cursor_row
        old_keys = self._keys
        old_rows = self._rows
        keys: list[str] = []
        fresh: dict[str, _Entry] = {}
        changed: set[str] = set()
        for key, cells in rows:
            if key in fresh:
                raise ValueError(f"duplicate row key {key!r}")
            entry = old_rows.get(key)
            if entry is None or not entry.same_as(cells):
                entry = _Entry(cells)
                changed.add(key)
            keys.append(key)
            fresh[key] = entry
        self._keys = keys
        self._rows = fresh
        self._index = {key: index for index, key in enumerate(keys)}
        paint = self._paint
        if paint is not None:  # forget the strips of rows changed or gone
            for key in (*changed, *(key for key in old_keys if key not in fresh)):
                paint.cache.pop((key, 0), None)
                paint.cache.pop((key, 1), None)
        lines = [
            index
            for index, key in enumerate(keys)
            if key in changed or index >= len(old_keys) or old_keys[index] != key
        ]
        lines += range(len(keys), len(old_keys))  # rows gone from the end: blank lines
        if len(keys) != len(old_keys):
            self._update_size()
        if before_key is not None and before_key in self._index:
            row = self._index[before_key]
        else:
            row = min(before_row, max(0, len(keys) - 1))
        if row != before_row:
            self._set_cursor(row, scroll=True, announce=False)
        if self.current_key != before_key:
            self.post_message(self.RowHighlighted(self, self.current_key, self.cursor_row))
        self._refresh_rows(lines)

    def clear(self) -> None:
        self.apply(())

    def move_cursor(self, *, row: int, animate: bool = False, scroll: bool = True) -> None:
        """Put the cursor on row ``row`` (clamped), in sight."""
        del animate  # always immediate, as the screens want
        self._set_cursor(row, scroll=scroll, announce=True)

    def move_cursor_to_key(self, key: str) -> bool:
        """Put the cursor on the row ``key``; False if there is no such row."""
        index = self._index.get(key)
        if index is None:
            return False
        self.move_cursor(row=index)
        return True

    def _set_cursor(self, row: int, *, scroll: bool, announce: bool) -> None:
        row = max(0, min(row, len(self._keys) - 1)) if self._keys else 0
        old = self._cursor
        self._cursor = row
        if old != row:
            self._refresh_rows((old, row))
        if scroll:
            self.scroll_to_cursor()
        if announce and old != row:
            self.post_message(self.RowHighlighted(self, self.current_key, row))

    def watch_fixed_rows(self) -> None:
        self._forget_drawn()
        self.refresh()

    # -- geometry -------------------------------------------------------------------------------
    def _update_size(self) -> None:
        self.virtual_size = Size(self.table_width, len(self._keys) + 1)

    def _row_at(self, line: int) -> int:
        """The row index drawn on widget line ``line`` (>= 1)."""
        if line <= self.fixed_rows:
            return line - 1
        return line - 1 + self.scroll_offset.y

    def scroll_to_cursor(self) -> None:
        row = self.cursor_row
        if row < self.fixed_rows or not self._keys:
            return
        top = self.scroll_offset.y
        room = self.size.height - 1 - self.fixed_rows  # lines for the scrolling rows
        if room <= 0:
            return
        first = top + self.fixed_rows  # the first scrolling row in sight
        if row < first:
            self.scroll_to(y=row - self.fixed_rows, animate=False, immediate=True)
        elif row >= first + room:
            self.scroll_to(y=row - self.fixed_rows - room + 1, animate=False, immediate=True)

    def _refresh_rows(self, indexes: Iterable[int]) -> None:
        if not self.is_mounted:
            return
        # The widget line of each row in sight (a fixed row's is its place), the geometry
        # read once: a fresh board asks for 2,250 rows, and each read of the size or scroll
        # offset is a reactive lookup (the board's first show() 15.6 -> 4.4 ms of CPU).
        fixed, top, height = self.fixed_rows, self.scroll_offset.y, self.size.height
        lines = set()
        for index in indexes:
            if index < fixed:
                lines.add(index + 1)
            elif fixed + 1 <= (line := index + 1 - top) < height:
                lines.add(line)
        if len(lines) > height // 2:
            self.refresh()
            return
        width = max(self.size.width, self.virtual_size.width)
        for line in lines:
            self.refresh(Region(0, line, width, 1))

    def _forget_drawn(self) -> None:
        self._paint = None
        self._header = None

    def notify_style_update(self) -> None:
        self._forget_drawn()
        super().notify_style_update()

    def on_resize(self) -> None:
        self._forget_drawn()
        # A new width (the screen's own scrollbar came or went, too): fit the columns again.
        fit = getattr(self.screen, "fit_columns", None)
        if fit is not None:
            fit()
        # Shorter now (a pane below grew): the cursor's row stays in sight.
        self.call_after_refresh(self.scroll_to_cursor)

    def on_focus(self) -> None:
        self._forget_drawn()
        self.refresh()

    def on_blur(self) -> None:
        self._forget_drawn()
        self.refresh()

    # -- drawing --------------------------------------------------------------------------------
    def _paint_state(self) -> KeyedTable._Paint:
        base = self.rich_style
        width = self.size.width
        focused = self.has_focus
        paint = self._paint
        if paint is None or paint.base != base or paint.width != width or paint.focused != focused:
            component = self.get_component_styles
            paint = self._paint = self._Paint(
                base=base,
                header=component("keyed-table--header").rich_style,
                fixed=component("keyed-table--fixed").rich_style,
                cursor=self.get_component_rich_style("keyed-table--cursor"),
                fixed_cursor=self.get_component_rich_style("keyed-table--fixed-cursor"),
                width=width,
                focused=focused,
            )
            self._header = None
        return paint

    def _draw(
        self,
        cells: Sequence[Text],
        row_style: Style,
        cursor: Style | None,
        paint: KeyedTable._Paint,
    ) -> Strip:
        line = Text(end="", no_wrap=True)
        start = 0
        for column, text, meta in zip(self.columns, cells, _COLUMN_META, strict=False):
            if not column.width:
                continue  # hidden by fit(): a narrow terminal
            cell = text.copy()
            cell.truncate(column.width, overflow=text.overflow or "fold")  # as rich crops
            line.append_text(cell)
            room = column.width - cell.cell_len
            if room > 0:  # the cell's own style stops at its words
                line.append(" " * room)
            # Each cell marked with its column (as DataTable does): clicks can tell them
            # apart, and adjacent cells alike in look stay separate runs.
            line.stylize(meta, start, start + column.width)
            start += column.width
        pre = row_style + cursor if cursor is not None else row_style
        post = Style.from_color(color=cursor.color) if cursor is not None else None
        segments = Segment.apply_style(line.render(self.app.console), pre, post)
        width = max(paint.width, self.table_width)
        strip = Strip(segments).crop(0, width)
        room = width - strip.cell_length
        if room > 0:
            strip = Strip([*strip, Segment(" " * room, pre + _OUT_OF_BOUNDS)])
        return strip.simplify()

    def render_line(self, y: int) -> Strip:
        paint = self._paint_state()
        if y == 0:
            if self._header is None:
                labels = [column.label for column in self.columns]
                self._header = self._draw(labels, paint.header, None, paint)
            return self._crop(self._header, paint)
        index = self._row_at(y)
        if not 0 <= index < len(self._keys):
            return Strip.blank(paint.width, paint.base)
        key = self._keys[index]
        cursor = index == self.cursor_row
        cache_key = (key, int(cursor))
        strip = paint.cache.get(cache_key)
        if strip is None:
            fixed = index < self.fixed_rows
            row_style = paint.fixed if fixed else paint.base
            cursor_style = (
                (paint.fixed_cursor + paint.cursor if fixed else paint.cursor) if cursor else None
            )
            strip = self._draw(self._rows[key].cells(), row_style, cursor_style, paint)
            if fixed:  # a pinned row's look depends on its place too: not kept
                return self._crop(strip, paint)
            paint.cache[cache_key] = strip
        return self._crop(strip, paint)

    def _crop(self, strip: Strip, paint: KeyedTable._Paint) -> Strip:
        x = self.scroll_offset.x
        return (
            strip if x == 0 and strip.cell_length == paint.width else strip.crop(x, x + paint.width)
        )

    # -- keys and mouse ---------------------------------------------------------------------
    def _page(self) -> int:
        return max(1, self.size.height - 1 - self.fixed_rows)

    def action_cursor_up(self) -> None:
        self.move_cursor(row=self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(row=self.cursor_row + 1)

    def action_page_up(self) -> None:
        self.move_cursor(row=self.cursor_row - self._page())

    def action_page_down(self) -> None:
        self.move_cursor(row=self.cursor_row + self._page())

    def action_scroll_top(self) -> None:
        self.move_cursor(row=0)

    def action_scroll_bottom(self) -> None:
        self.move_cursor(row=len(self._keys) - 1)

    def action_select_cursor(self) -> None:
        key = self.current_key
        if key is not None:
            self.post_message(self.RowSelected(self, key, self.cursor_row))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:
            return
        index = self._row_at(offset.y)
        if not 0 <= index < len(self._keys):
            return
        if index == self.cursor_row:
            self.action_select_cursor()
        else:
            self.move_cursor(row=index, scroll=False)
