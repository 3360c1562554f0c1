"""The board after other people's changes (issue 15): it re-reads only the episodes the
audit log names (duty_desk/repo/board_changes.py), and what it then shows, every list row
for row and cell for cell, must be what a full read by a fresh repository draws."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from duty_desk.config import Config
from duty_desk.db import Database, open_database
from duty_desk.repository import Repository
from screens.board_rows import VIEWS, DrawnRows, draw
from tests.conftest import DUTY, referral_input
from tests.dialog_answers import LIFE, TREATMENT

from .test_ui_board_support import Board, local, open_board, table
from .test_ui_support import settle


def shown(app: Any, view: str) -> list[tuple[str, tuple[str, ...]]]:
    rows = []
    for key, cells in table(app, view).rows_held():
        drawn = cells() if callable(cells) else cells
        rows.append((key, tuple(cell.plain for cell in drawn)))
    return rows


def full_read(db: Database, config: Config) -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    data = Repository(db, config, actor=DUTY).board()
    _, rows = draw(data, config, DrawnRows(), data.everyone)
    return {
        view: [(key, tuple(cell.plain for cell in drawing())) for key, _, drawing in rows[view]]
        for view in VIEWS
    }


async def test_the_board_after_outside_changes_shows_what_a_full_read_shows(
    open_app: Any, board: Board, config: Config, db: Database, db_path: Path
) -> None:
    database = open_database(config, str(db_path))  # another duty worker's connection
    other = Repository(database, config, actor="clin2")
    changes = [
        lambda: other.set_core_team(board.blake, [board.duty, board.peer], board.peer, "(test)"),
        lambda: other.book(board.blake, local(26, 14), 60, [board.duty, board.peer], "base"),
        lambda: other.save_dialog_rating(board.alex, {k: (3, False) for k in LIFE + TREATMENT}),
        lambda: other.accept(
            other.add_referral(referral_input(name="Casey New (test)", nhs_number=""))
        ),
        lambda: other.cancel_meeting(board.booked, "client", "Unwell (test)"),
        lambda: other.record_absence(
            board.peer, dt.date(2026, 11, 26), dt.date(2026, 11, 26), "leave"
        ),
        lambda: other.discharge(board.alex, "primary_care", dt.date(2026, 11, 23), "GP (test)"),
    ]
    try:
        async with open_app(settled=False) as (app, pilot):
            screen = await open_board(pilot)
            held = app.repo._board.held
            assert held is not None
            for change in changes:
                change()
                screen.reload()
                await settle(pilot)
                expected = full_read(db, config)
                for view in VIEWS:
                    assert shown(app, view) == expected[view], view
            assert app.repo._board.held.read_at == held.read_at  # only the changed re-read
    finally:
        database.dispose()
