"""The crisis plan's breaks on the board (issue 12, safety): an overdue review and a missing
plan are counted in the status line, listed under k with their words, shown in the
client's detail pane, and gone once the plan is written or reviewed (live)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from duty_desk.db import Database
from tests.repo.test_crisis import plans_kept_since
from tests.repo.test_repo_board import days_ago, set_accepted
from tests.ui.test_live_updates import until
from tests.ui.test_ui_board_support import (
    Board,
    board_screen,
    detail,
    open_board,
    select_client,
    status,
    table,
)
from tests.ui.test_ui_support import settle

TODAY = dt.date(2026, 11, 23)
PLAN = {"early_signs": "Sleeping less (test)", "contact_out_of_hours": "CRHT (test)"}


def break_rows(app: Any) -> list[tuple[str, str]]:
    grid = table(app, "breaks")
    return [
        (
            grid.get_cell(row.key, "kind").plain.strip(),
            grid.get_cell(row.key, "client").plain.strip(),
        )
        for row in grid.ordered_rows
    ]


def count_in(text: str) -> int:
    return int(text.split(" BREAK")[0].split()[-1])


async def test_plan_breaks_are_counted_listed_and_cleared(open_app, board: Board, db: Database):
    plans_kept_since(db, days_ago(60))
    set_accepted(db, board.blake, days_ago(9))  # Blake: no plan, accepted 9 days ago
    board.repo.save_risk_summary(board.alex, "Low (test)", TODAY, expected_version=None)
    async with open_app(settled=False) as (app, pilot):
        await open_board(pilot)
        before = count_in(status(app))
        await pilot.press("k")
        await settle(pilot)
        rows = break_rows(app)
        assert ("plan missing", "Blake Sample (test)") in rows
        grid = table(app, "breaks")
        grid.move_cursor(row=rows.index(("plan missing", "Blake Sample (test)")))
        await settle(pilot)
        assert "Blake Sample (test) has no crisis plan (9 days since accepted on 14/11/2026)" in (
            detail(app)
        )
        # written elsewhere: the break goes at the next refresh, and the count with it
        board.repo.save_crisis_plan(
            board.blake, PLAN, TODAY + dt.timedelta(days=30), expected_version=None
        )
        await until(
            pilot,
            lambda: ("plan missing", "Blake Sample (test)") not in break_rows(app),
            "the break stays after the plan was written",
        )
        assert ("plan missing", "Blake Sample (test)") not in break_rows(app)
        assert count_in(status(app)) == before - 1


async def test_an_overdue_review_shows_in_the_clients_detail(
    open_app, board: Board, frozen_now: Any
):
    from duty_desk import timeutil

    board.repo.save_crisis_plan(board.alex, PLAN, TODAY, expected_version=None)
    with timeutil.frozen(frozen_now.add(days=3)):
        async with open_app(settled=False) as (app, pilot):
            await open_board(pilot)
            await select_client(pilot, board.alex)
            assert (
                "Alex Example (test)'s crisis plan review is overdue by 3 days (due 23/11/2026)"
                in detail(app)
            )
            assert "BREAK" in status(app)
            assert board_screen(app).view == "episodes"
