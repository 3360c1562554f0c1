"""Helpers for the continuity-board UI tests (no tests here): a small team, two clients.

Everything synthetic; the clock is fixed at Monday 23 November 2026 10:00 London.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pendulum
import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from duty_desk.repository import Repository
from screens.app import DutyDeskApp
from screens.keyed_table import KeyedTable
from tests.conftest import referral_input

from .test_ui_support import settle

TZ = "Europe/London"


def local(day: int, hour: int, minute: int = 0) -> pendulum.DateTime:
    return pendulum.datetime(2026, 11, day, hour, minute, tz=TZ)


@dataclass
class Board:
    repo: Repository
    duty: int  # staff ids
    peer: int
    other: int
    alex: int  # client: core team duty1 (key) + peer1, two meetings held, one booked Wed
    alex_referral: int
    blake: int  # client: accepted, no core team yet (a problem)
    booked: int  # Alex's meeting on Wednesday 25 November 11:00 with duty1 and peer1


@pytest.fixture
def board(repo: Repository, frozen_now: pendulum.DateTime) -> Board:
    duty = repo.acting_staff()
    assert duty is not None
    peer = repo.add_staff("peer1", "Peer Worker (test)", "peer_support")
    other = repo.add_staff("clin2", "Clinician Two (test)", "clinician")
    alex_referral = repo.add_referral(referral_input(received_at="16/11/2026 09:00"))
    alex = repo.accept(alex_referral, override_reason="set up for the test (test)")
    repo.set_core_team(alex, [duty.id, peer.id], duty.id, "First team (test)")
    for day in (17, 20):
        held = repo.book(
            alex,
            local(day, 11),
            60,
            [duty.id, peer.id],
            "base",
            override_reason="set up in the past (test)",
        )
        repo.record_happened(held, [duty.id, peer.id])
    booked = repo.book(alex, local(25, 11), 60, [duty.id, peer.id], "base")
    blake_referral = repo.add_referral(
        referral_input(name="Blake Sample (test)", received_at="23/11/2026 08:00", nhs_number="")
    )
    blake = repo.accept(blake_referral)
    return Board(repo, duty.id, peer.id, other.id, alex, alex_referral, blake, booked)


def board_screen(app: DutyDeskApp) -> Any:
    from screens.board import BoardScreen

    for screen in app.screen_stack:
        if isinstance(screen, BoardScreen):
            return screen
    raise AssertionError("no board screen")


async def open_board(pilot: Pilot[Any]) -> Any:
    await settle(pilot)
    await pilot.press("2")
    await settle(pilot)
    return board_screen(pilot.app)  # type: ignore[arg-type]


def table(app: DutyDeskApp, view: str = "episodes") -> KeyedTable:
    return board_screen(app).query_one(f"#{view}", KeyedTable)


def cell(app: DutyDeskApp, key: object, column: str, view: str = "episodes") -> str:
    return table(app, view).get_cell(str(key), column).plain.strip()


def clients(app: DutyDeskApp) -> list[str]:
    grid = table(app)
    return [grid.get_cell(row.key, "client").plain.strip() for row in grid.ordered_rows]


def detail(app: DutyDeskApp) -> str:
    return str(board_screen(app).query_one("#board-detail-body", Static).render())


def status(app: DutyDeskApp) -> str:
    return str(board_screen(app).query_one("#board-status", Static).render())


async def select_client(pilot: Pilot[Any], client_id: int) -> None:
    grid = table(pilot.app)  # type: ignore[arg-type]
    grid.move_cursor(row=grid.get_row_index(str(client_id)))
    await settle(pilot)
