"""The client record's bench: Enter on the board to the record painted, beside a bare
Textual app doing the same (Enter on a row pushes a screen with a header and a table of
300 rows), both measured in this process at 80x24 like ``bench.care``.

Used by ``bench.run`` (``--only record``). The record opened is the generated big one
(300 meetings, 20 network members: ``bench.gen.add_big_record``); the runs alternate it
with another client, so every timed open reads and draws the big record afresh. Timed
from the Enter key sent as the terminal driver sends it to the first frame written that
shows the big record's header.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from bench.care import Frames, _app, press, until
from duty_desk.config import load_config


async def record_opens(db: Path, big_client: int, count: int) -> list[float]:
    """Seconds from Enter on the big client's board row to its record painted, ``count``
    times (each after a record of another client)."""
    from screens.board import BoardScreen
    from screens.record import RecordScreen

    config = load_config()
    app = _app(db, "board", config)
    timings: list[float] = []
    async with app.run_test(size=(80, 24)) as pilot:
        board = app.screen
        assert isinstance(board, BoardScreen)
        start = time.perf_counter()
        await until(lambda: board.data is not None, start, "the board's first load")
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        table = board.main_table()
        assert board.data is not None
        other = next(e.client_id for e in board.data.episodes if e.client_id != big_client)
        frames = Frames(app)

        def showing(client_id: int) -> bool:
            screen = app.screen
            return (
                isinstance(screen, RecordScreen)
                and screen.record is not None
                and screen.record.client_id == client_id
            )

        def shown() -> bool:
            return showing(big_client)

        def other_shown() -> bool:
            return showing(other)

        for _ in range(count):
            for client_id in (other, big_client):
                table.move_cursor(row=table.get_row_index(str(client_id)))
                await app.workers.wait_for_complete()
                await pilot.pause(0.2)
                if client_id == big_client:
                    frames.expect(shown)
                sent = press(app, "enter", "\r")
                if client_id == big_client:
                    timings.append(await frames.shown(sent, "the big record") - sent)
                else:
                    await until(other_shown, sent, "another record")
                await app.workers.wait_for_complete()
                await pilot.pause(0.2)
                sent = press(app, "escape")
                await until(lambda: app.screen is board, sent, "back to the board")
                await pilot.pause(0.1)
    return timings


def big_record_client(db: Path) -> int:
    """The generated big record's client id (found by its name, as a person would)."""
    from bench.gen import BIG_RECORD_NAME
    from duty_desk.db import open_database
    from duty_desk.repository import Repository

    config = load_config()
    database = open_database(config, str(db))
    try:
        hits = Repository(database, config).client_hits(BIG_RECORD_NAME)
    finally:
        database.dispose()
    if not hits:
        raise SystemExit("no big record in the bench data: run with --regenerate")
    return hits[0].client_id


# -- the baseline: a bare Textual app that opens a screen of 300 rows on Enter ----------------


class _Detail(Screen[None]):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Person 7 (synthetic)  36y  NHS 999 000 0018\nKey worker: Someone\nAccepted")
        yield DataTable(cursor_type="row")
        yield Static("the selected row in full", id="pane")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("When", "Status", "Place", "Who came")
        for i in range(300):
            table.add_row(
                f"Mon {i % 28 + 1:02d}/11/26 10:00", "happened", "Home", "AB CD +2", key=str(i)
            )


class BaselineRecordApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Client", "Key", "Team", "Weeks")
        for i in range(150):
            table.add_row(f"Person {i} (synthetic)", "AB", "AB CD", "3", key=str(i))
        table.focus()

    def on_data_table_row_selected(self) -> None:
        self.push_screen(_Detail())


async def baseline_opens(count: int) -> list[float]:
    app = BaselineRecordApp()
    timings: list[float] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        frames = Frames(app)

        def shown() -> bool:
            screen: Any = app.screen
            return isinstance(screen, _Detail) and screen.query_one(DataTable).row_count == 300

        for _ in range(count):
            frames.expect(shown)
            sent = press(app, "enter", "\r")
            timings.append(await frames.shown(sent, "the baseline's screen") - sent)
            await pilot.pause(0.2)
            press(app, "escape")
            await until(lambda: not isinstance(app.screen, _Detail), sent, "back")
            await pilot.pause(0.2)
    return timings
