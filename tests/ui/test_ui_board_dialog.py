"""Issue 13 on the continuity board at 80x24: the latest DIALOG quality-of-life score and
its change since the previous rating (the ``QoL`` column, in signs and digits, not colour),
and "no DIALOG for N weeks" among the breaks."""

from __future__ import annotations

import pendulum

from duty_desk import timeutil
from tests.dialog_answers import answers

from . import test_ui_board_support as support
from .test_ui_board_support import cell, detail, open_board, select_client, status, table
from .test_ui_support import settle

board = support.board  # the fixture


async def test_the_qol_column_shows_the_latest_score_and_its_change(open_app, board):
    board.repo.save_dialog_rating(board.alex, answers([3] * 11))
    board.repo.save_dialog_rating(board.alex, answers([5, 5, 5, 4, 4, 4, 4, 4, 6, 6, 6]))
    # five of eight life items: too few for a score (six needed): no number at all
    board.repo.save_dialog_rating(board.blake, answers([7] * 5 + [None] * 3 + [7] * 3))
    async with open_app(settled=False) as (app, pilot):
        await open_board(pilot)
        assert cell(app, board.alex, "qol") == "4.4+1.4"  # 35/8 now, 3 before
        assert cell(app, board.blake, "qol") == "--"
        assert not table(app).hidden_columns  # fits 80 columns with the others
        await select_client(pilot, board.alex)
        assert (
            "DIALOG: quality of life 4.38, up 1.38 since the previous rating "
            "(last rated 23/11/2026, 2 ratings)" in " ".join(detail(app).split())
        )
        await select_client(pilot, board.blake)
        assert "quality of life not shown: too few life-domain items rated" in " ".join(
            detail(app).split()
        )
        assert "no DIALOG" not in status(app)


async def test_no_dialog_for_the_overdue_weeks_is_a_break(open_app, board):
    board.repo.save_dialog_rating(board.alex, answers([4] * 11))
    later = pendulum.datetime(2026, 11, 23, 10, tz="Europe/London").add(weeks=12)
    with timeutil.frozen(later):
        async with open_app(settled=False) as (app, pilot):
            screen = await open_board(pilot)
            assert cell(app, board.blake, "qol") == "-"  # never rated
            assert cell(app, board.alex, "qol") == "4.0"  # one rating: nothing to compare
            await pilot.press("k")
            await settle(pilot)
            assert screen.view == "breaks"
            grid = table(app, "breaks")
            found = [
                (grid.get_cell(key, "client").plain.strip(), key)
                for key in grid.keys
                if grid.get_cell(key, "kind").plain.strip() == "no DIALOG"
            ]
            assert sorted(name for name, _ in found) == [
                "Alex Example (test)",
                "Blake Sample (test)",
            ]
            blake = next(key for name, key in found if name.startswith("Blake"))
            row = grid.get_row_index(blake)
            grid.move_cursor(row=row)
            await settle(pilot)
            assert (
                "Blake Sample (test): no DIALOG for 12 weeks "
                "(none since accepted on 23/11/2026)" in " ".join(detail(app).split())
            )
