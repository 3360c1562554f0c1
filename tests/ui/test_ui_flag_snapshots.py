"""Snapshots of the safeguarding part (issue 12, guard) at 80x24 (pytest-textual-snapshot):
the SG marker on the queue, the board, the day view and the record, and the dialogs that
raise and close a flag and that name a flagged person. Deterministic as the other
snapshot files are (fixed clock, synthetic data, animations off). Regenerate with
``pytest tests/ui/test_ui_flag_snapshots.py --snapshot-update -n0`` and look at them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from duty_desk.repository import Repository
from screens.record import open_record
from tests.ui.test_ui_board_support import Board
from tests.ui.test_ui_day_support import Team
from tests.ui.test_ui_dialog_snapshots import keys, on_board, on_day, shot
from tests.ui.test_ui_support import settle

NOTE = "Two children at home [urgent] (test)"


@pytest.fixture
def flagged_queue(repo: Repository, make_referral: Callable[..., int]) -> int:
    """Two referrals, the second (the sooner deadline) flagged."""
    make_referral(name="Sam Sample (test)", nhs_number="999 000 0026")
    flagged = make_referral(received_at="23/11/2026 08:00")
    repo.raise_flag("child", NOTE, referral_id=flagged)
    return flagged


def test_queue_with_a_flag_snapshot(snap_compare, config, db, flagged_queue):
    assert shot(snap_compare, config, db, [])


def test_raise_flag_dialog_snapshot(snap_compare, config, db, flagged_queue):
    assert shot(snap_compare, config, db, [keys("g")])


def test_close_flag_dialog_snapshot(snap_compare, config, db, flagged_queue):
    assert shot(snap_compare, config, db, [keys("G")])


def test_accept_dialog_with_a_flag_snapshot(snap_compare, config, db, flagged_queue):
    assert shot(snap_compare, config, db, [keys("a")])


def test_board_with_a_flag_snapshot(snap_compare, config, db, board: Board):
    board.repo.raise_flag("adult", "Adult concern (test)", client_id=board.alex)
    assert shot(snap_compare, config, db, on_board(board.alex))


def test_day_with_a_flag_snapshot(snap_compare, config, db, team: Team):
    team.repo.raise_flag("domestic", "Partner at the address (test)", client_id=team.client)
    assert shot(snap_compare, config, db, on_day(f"m{team.meeting}"))


def test_record_crisis_and_risk_with_flags_snapshot(snap_compare, config, db, board: Board):
    repo = board.repo
    closed = repo.raise_flag("adult", "Raised on the wrong person (test)", client_id=board.alex)
    repo.close_flag(closed, repo.flag(closed).raised_at.date(), "Wrong person (test)")
    repo.raise_flag("child", NOTE, client_id=board.alex)

    async def record(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await open_record(pilot.app, board.alex)
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)

    assert shot(snap_compare, config, db, [record])
