"""The client record draws only the section shown (issue 15): the others are counted for the
tabs and drawn when their key shows them, from the same read, before the frame that shows
them; and a record opened for another client never shows the last client's rows."""

from __future__ import annotations

from typing import Any

from textual.widgets import Static

from . import test_ui_board_support as support
from .test_ui_board_support import select_client
from .test_ui_record import open_alex, record_screen
from .test_ui_support import settle

board = support.board  # the fixture


def tabs(app: Any) -> str:
    return str(record_screen(app).query_one("#record-tabs", Static).render())


async def test_a_hidden_section_is_counted_then_drawn_when_its_key_shows_it(open_app, board):
    async with open_app(settled=False) as (app, pilot):
        screen = await open_alex(pilot, board)
        assert screen.section == "n"
        assert screen.table("m").row_count == 0  # not drawn yet
        assert "m Meetings 3" in tabs(app)  # but counted
        read = screen.record
        await pilot.press("m")  # no settle: drawn by the key itself, not by a load
        assert screen.main_table() is screen.table("m")
        assert screen.main_table().row_count == 3
        assert screen.record is read  # the same read
        assert "m Meetings 3" in tabs(app)
        await pilot.press("h")
        assert screen.main_table().row_count == len(screen.record.history) > 0


async def test_another_client_never_shows_the_last_clients_rows(open_app, board):
    async with open_app(settled=False) as (app, pilot):
        screen = await open_alex(pilot, board)
        await pilot.press("m")
        await settle(pilot)
        assert screen.main_table().row_count == 3
        screen.open_client(board.blake, "board")  # another client: read in a worker
        assert all(screen.table(s.key).row_count == 0 for s in screen.sections)
        assert "Meetings 3" not in tabs(app)
        await settle(pilot)
        assert screen.record is not None and screen.record.client_id == board.blake
        await pilot.press("escape")
        await settle(pilot)
        await select_client(pilot, board.alex)
        await pilot.press("enter")
        await settle(pilot)
        assert record_screen(app).main_table().row_count == 3  # Alex's meetings again
