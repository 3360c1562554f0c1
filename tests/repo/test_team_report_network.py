"""The team report's network part (issue 14) on a real SQLite file: meetings that happened
in the period with the network there, members per meeting, by area, and an empty period.
The data and the hand-worked figures: tests/repo/care_report_data.py."""

from __future__ import annotations

import pytest

from duty_desk import timeutil
from duty_desk.repository import Repository
from tests.conftest import MONDAY_10
from tests.repo.care_report_data import EMPTY_WEEK, WEEK, World, build


@pytest.fixture
def world(repo: Repository) -> World:
    return build(repo)


def test_share_of_meetings_with_the_network_and_members_per_meeting(world: World) -> None:
    with timeutil.frozen(MONDAY_10):
        part = world.repo.team_report(WEEK).part("network")
    # In the week: A 16 Nov (Mum, Friend: 2), A 17 Nov (Mum: 1; Friend expected, not
    # there), A 19 Nov (none: 0), B 18 Nov (none: 0). Not counted: A 13 Nov (before the
    # week), A 18 Nov (cancelled), C (no meetings at all).
    assert part.figure("meetings").value == 4
    assert part.figure("with_network").value == pytest.approx(2 / 4)
    assert part.figure("with_network").n == 4
    assert part.figure("members_per_meeting").value == pytest.approx((2 + 1 + 0 + 0) / 4)
    [table] = part.tables
    assert table.rows == (("0", 2), ("1", 1), ("2", 1), ("3+", 0))


def test_an_area_counts_only_its_episodes_meetings(world: World) -> None:
    with timeutil.frozen(MONDAY_10):
        part = world.repo.team_report(WEEK, area="canterbury").part("network")
    # B is in Whitstable: A's three meetings remain, 2 of 3 with the network, 3 members.
    assert part.figure("meetings").value == 3
    assert part.figure("with_network").value == pytest.approx(2 / 3)
    assert part.figure("members_per_meeting").value == pytest.approx(3 / 3)


def test_an_empty_period_has_no_share_and_no_mean(world: World) -> None:
    with timeutil.frozen(MONDAY_10):
        part = world.repo.team_report(EMPTY_WEEK).part("network")
    assert part.figure("meetings").value == 0
    assert part.figure("with_network").value is None  # no denominator: None, not 0
    assert part.figure("members_per_meeting").value is None
    assert part.tables[0].rows == (("0", 0), ("1", 0), ("2", 0), ("3+", 0))
