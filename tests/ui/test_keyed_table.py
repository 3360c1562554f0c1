"""The keyed table on its own: rows by key, the cursor following its key, the keys, and
that one changed row repaints one line (counted in ``render_line`` calls)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.text import Text
from textual.app import App, ComposeResult
from textual.strip import Strip

from screens.keyed_table import KeyedTable

SCREENS = Path(__file__).resolve().parents[2] / "screens"


def cells(*words: str) -> tuple[Text, ...]:
    return tuple(Text(" " + word, end="", no_wrap=True) for word in words)


def rows(*keys: str, changed: str = "") -> list[tuple[str, Sequence[Text]]]:
    return [
        (key, cells(key.upper() + ("!" if key == changed else ""), f"{key} name")) for key in keys
    ]


class CountingTable(KeyedTable):
    """Records which widget lines were drawn."""

    def __init__(self) -> None:
        super().__init__(id="table")
        self.drawn: list[int] = []

    def render_line(self, y: int) -> Strip:
        self.drawn.append(y)
        return super().render_line(y)


class TableApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.highlighted: list[str | None] = []
        self.selected: list[str] = []

    def compose(self) -> ComposeResult:
        yield CountingTable()

    def on_mount(self) -> None:
        table = self.query_one(CountingTable)
        table.add_column(Text(" Code", style="bold"), key="code", width=8)
        table.add_column(Text(" Name", style="bold"), key="name", width=20, flex=True)
        table.focus()

    def on_keyed_table_row_highlighted(self, event: KeyedTable.RowHighlighted) -> None:
        self.highlighted.append(event.key)

    def on_keyed_table_row_selected(self, event: KeyedTable.RowSelected) -> None:
        self.selected.append(event.key)


async def test_rows_by_key_and_what_the_screens_read() -> None:
    app = TableApp()
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(CountingTable)
        table.apply(rows("a", "b", "c"))
        await pilot.pause()
        assert table.row_count == 3
        assert [row.key for row in table.ordered_rows] == ["a", "b", "c"]
        assert table.get_cell("b", "name").plain == " b name"
        assert [t.plain for t in table.get_row("c")] == [" C", " c name"]
        assert table.get_row_index("c") == 2 and "c" in table and "z" not in table
        assert table.current_key == "a"


async def test_the_cursor_stays_on_its_key() -> None:
    app = TableApp()
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(CountingTable)
        table.apply(rows("a", "b", "c"))
        table.move_cursor(row=1)
        assert table.current_key == "b"
        table.apply(rows("new", "a", "b", "c"))  # a row added above
        assert (table.current_key, table.cursor_row) == ("b", 2)
        table.apply(rows("c", "b", "a"))  # re-ordered
        assert (table.current_key, table.cursor_row) == ("b", 1)
        table.apply(rows("c", "a"))  # its row went: the same place
        assert (table.current_key, table.cursor_row) == ("a", 1)
        table.apply(rows("c"))
        assert (table.current_key, table.cursor_row) == ("c", 0)
        table.clear()
        assert (table.current_key, table.row_count) == (None, 0)
        await pilot.pause()
        assert app.highlighted[-1] is None


async def test_keys_move_the_cursor_and_enter_selects() -> None:
    app = TableApp()
    async with app.run_test(size=(40, 8)) as pilot:  # 7 lines: a header and 6 rows
        table = app.query_one(CountingTable)
        table.apply(rows(*(f"r{n:02}" for n in range(30))))
        await pilot.pause()
        await pilot.press("down", "down")
        assert table.current_key == "r02"
        await pilot.press("end")
        assert table.current_key == "r29"
        assert table.scroll_offset.y > 0, "the cursor row is scrolled into sight"
        await pilot.press("home")
        assert table.current_key == "r00" and table.scroll_offset.y == 0
        await pilot.press("pagedown")
        assert table.cursor_row == table.size.height - 1
        await pilot.press("up", "enter")
        await pilot.pause()
        assert app.selected == [table.current_key]
        assert app.highlighted[-1] == table.current_key


async def test_one_changed_row_repaints_one_line() -> None:
    app = TableApp()
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(CountingTable)
        keys = [f"r{n:02}" for n in range(40)]
        table.apply(rows(*keys))
        await pilot.pause()
        table.drawn.clear()
        table.apply(rows(*keys))  # the same cells, drawn again: nothing to repaint
        await pilot.pause()
        assert table.drawn == []
        table.apply(rows(*keys, changed="r05"))
        await pilot.pause()
        assert table.drawn == [6], "the header, then r00..r04: r05 is widget line 6"
        assert table.get_cell("r05", "code").plain == " R05!"


async def test_rows_drawn_only_when_shown_and_cached() -> None:
    app = TableApp()
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(CountingTable)
        calls: list[str] = []

        def lazy(key: str) -> object:
            def draw() -> tuple[Text, ...]:
                calls.append(key)
                return cells(key, key)

            return draw

        drawings = [(f"r{n:03}", lazy(f"r{n:03}")) for n in range(500)]
        table.apply(drawings)  # type: ignore[arg-type]
        await pilot.pause()
        assert 0 < len(calls) <= table.size.height, "only rows in sight are drawn"
        drawn = len(calls)
        table.apply(drawings)  # type: ignore[arg-type]  # the same drawings: kept
        await pilot.pause()
        await pilot.press("down")
        await pilot.pause()
        assert len(calls) == drawn


async def test_flexible_column_width_and_theme_change_redraw() -> None:
    app = TableApp()
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(CountingTable)
        table.apply(rows("a", "b"))
        await pilot.pause()
        long = " a name that is longer than twenty"
        table.apply([("a", (Text(" A"), Text(long))), ("b", cells("B", "b"))])
        await pilot.pause()
        assert long not in table.render_line(1).text
        table.set_column_width("name", 40)
        await pilot.pause()
        assert long in table.render_line(1).text
        before = table.render_line(1)
        table.drawn.clear()
        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await pilot.pause()
        assert {1, 2} <= set(table.drawn), "a new theme draws the rows again"
        assert table.render_line(1).text == before.text


LISTS = (
    "keyed_table.py",
    "live_list.py",
    "queue.py",
    "board.py",
    "day.py",
    "board_rows.py",
    "render.py",
    "day_render.py",
    "board_render.py",
    "base.py",
    "live.py",
)
