"""Helpers for the day-view and booking UI tests (no tests here): a small team, clients, meetings.

Everything synthetic; the clock is fixed at Monday 23 November 2026 10:00 London.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pendulum
import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from duty_desk.models import CoreTeamMember
from duty_desk.repository import Repository
from screens.app import DutyDeskApp
from screens.keyed_table import KeyedTable
from tests.conftest import referral_input

from .test_ui_support import settle

TZ = "Europe/London"
ADDRESS = "1 [b]Example[/b] Road, Canterbury (test)"


def local(day: int, hour: int, minute: int = 0) -> pendulum.DateTime:
    return pendulum.datetime(2026, 11, day, hour, minute, tz=TZ)


@dataclass
class Team:
    repo: Repository
    duty: int  # staff ids
    peer: int
    other: int
    client: int  # Alex, core team duty1 + peer1, one network member
    mum: int  # network member id
    meeting: int  # Alex today 11:00-12:00, a home visit at ADDRESS
    earlier: int  # Alex today 08:30-09:30 (in the past: can be recorded)
    unbooked: int  # a client accepted without a first meeting
    unbooked_referral: int


def core_team(repo: Repository, client: int, staff: tuple[int, ...], at: Any) -> None:
    with repo.db.session(write=True) as session:
        for staff_id in staff:
            session.add(CoreTeamMember(client_id=client, staff_id=staff_id, added_at=at))


@pytest.fixture
def team(repo: Repository, frozen_now: pendulum.DateTime) -> Team:
    duty = repo.acting_staff()
    assert duty is not None
    peer = repo.add_staff("peer1", "Peer Worker (test)", "peer_support")
    other = repo.add_staff("clin2", "Clinician Two (test)", "clinician")
    referral = repo.add_referral(referral_input(received_at="22/11/2026 09:00"))
    mum = repo.add_network_member(referral, "Mum (test)", "mother")
    client = repo.accept(referral)
    core_team(repo, client, (duty.id, peer.id), frozen_now)
    earlier = repo.book(
        client,
        local(23, 8, 30),
        60,
        [duty.id, peer.id],
        "base",
        override_reason="set up in the past (test)",
    )
    meeting = repo.book(client, local(23, 11), 60, [duty.id, peer.id], "home", ADDRESS)
    unbooked_referral = repo.add_referral(
        referral_input(name="[red]Waiting[/red] Person (test)", received_at="23/11/2026 09:00")
    )
    unbooked = repo.accept(unbooked_referral)
    core_team(repo, unbooked, (duty.id, other.id), frozen_now)
    return Team(
        repo, duty.id, peer.id, other.id, client, mum, meeting, earlier, unbooked, unbooked_referral
    )


def day_screen(app: DutyDeskApp) -> Any:
    from screens.day import DayScreen

    for candidate in app.screen_stack:
        if isinstance(candidate, DayScreen):
            return candidate
    raise AssertionError("no day screen")


async def open_day(pilot: Pilot[Any]) -> Any:
    await settle(pilot)
    await pilot.press("3")
    await settle(pilot)
    return day_screen(pilot.app)  # type: ignore[arg-type]


def day_table(app: DutyDeskApp) -> KeyedTable:
    return day_screen(app).query_one("#day", KeyedTable)


def day_rows(app: DutyDeskApp) -> list[tuple[str, str, str]]:
    """(time, client, status) of each row, as shown."""
    table = day_table(app)
    return [
        (
            table.get_cell(row.key, "time").plain.strip(),
            table.get_cell(row.key, "client").plain.strip(),
            table.get_cell(row.key, "status").plain.strip(),
        )
        for row in table.ordered_rows
    ]


def day_cursor(app: DutyDeskApp) -> str | None:
    return day_screen(app).current_key()


def text_of(app: DutyDeskApp, selector: str) -> str:
    return str(day_screen(app).query_one(selector, Static).render())


async def select_row(pilot: Pilot[Any], key: str) -> None:
    table = day_table(pilot.app)  # type: ignore[arg-type]
    table.move_cursor(row=table.get_row_index(key))
    await settle(pilot)
