"""The cover part of issue 11 through the real app: the absence worklist (keep, move,
cover), part-day absences in the form, the day view's flag on meetings whose staff are
away, and the board's order (every break, most urgent first) opening at the top."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Input, OptionList, Select, Static

from screens.absence_form import AbsenceForm
from screens.absence_impact import AbsenceImpact
from screens.cover_picker import CoverPicker
from tests.conftest import referral_input
from tests.ui.test_ui_board_support import (
    Board,
    board_screen,
    clients,
    local,
    open_board,
    table,
)
from tests.ui.test_ui_support import settle


@pytest.fixture
def unseen(board: Board) -> int:
    """Zed: a full core team and key worker, last seen 44 days ago (a not-seen break only)."""
    repo = board.repo
    referral = repo.add_referral(
        referral_input(name="Zed Example (test)", received_at="01/10/2026 09:00", nhs_number="")
    )
    zed = repo.accept(referral, override_reason="set up in the past (test)")
    repo.set_core_team(zed, [board.duty, board.peer], board.duty, "Team (test)")
    held = repo.book(
        zed,
        local(10, 11).subtract(months=1),
        60,
        [board.duty, board.peer],
        "base",
        override_reason="set up in the past (test)",
    )
    repo.record_happened(held, [board.duty, board.peer])
    return zed


async def test_board_puts_every_break_first_and_opens_at_the_top(open_app, board, unseen):
    async with open_app(settled=False) as (app, pilot):
        await open_board(pilot)
        # Blake has no key worker (most urgent), Zed is not seen for 44 days (a break the
        # old order left unmarked, last by name), Alex has nothing wrong.
        assert clients(app) == ["Blake Sample (test)", "Zed Example (test)", "Alex Example (test)"]
        from tests.ui.test_ui_board_support import cell

        assert cell(app, unseen, "flag") == "!1"
        grid = table(app)
        assert grid.cursor_row == 0 and grid.current_key == str(board.blake)
        assert grid.scroll_y == 0
        assert board_screen(app).view == "episodes"
