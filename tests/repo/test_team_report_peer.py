"""The team report's peer support part (issue 14) on a real SQLite file: meetings with a
peer support worker (staff role ``peer_support``), and core teams with one among the
episodes open at the period's end. Data: tests/repo/care_report_data.py."""

from __future__ import annotations

import pytest

from duty_desk import timeutil
from duty_desk.repository import Repository
from duty_desk.team_report import Period
from tests.conftest import MONDAY_10
from tests.repo.care_report_data import EMPTY_WEEK, WEEK, World, build


@pytest.fixture
def world(repo: Repository) -> World:
    return build(repo)


def test_meetings_and_core_teams_with_a_peer_support_worker(world: World) -> None:
    with timeutil.frozen(MONDAY_10):
        part = world.repo.team_report(WEEK).part("peer")
    # Meetings in the week: A 16 (peer1 there), A 17 (peer1 expected, did not come),
    # A 19 (clin2 as cover), B 18 (clin2): 1 of 4.
    assert part.figure("meetings").value == 4
    assert part.figure("with_peer").value == pytest.approx(1 / 4)
    # Open at the week's end: A (duty1, peer1), B (clin2, clin3); C has no core team (left
    # out); D (peer1, clin3) was discharged on 20 Nov. 1 of 2.
    assert part.figure("core_teams").value == 2
    assert part.figure("teams_with_peer").value == pytest.approx(1 / 2)


def test_a_period_ending_before_the_discharge_counts_that_team(world: World) -> None:
    with timeutil.frozen(MONDAY_10):
        part = world.repo.team_report(Period.week(WEEK.start.replace(day=9))).part("peer")
    # Week 9-15 Nov: A 13 Nov with peer1 (1 of 1 meeting; B's 12 Nov with clin2: 1 of 2).
    assert part.figure("meetings").value == 2
    assert part.figure("with_peer").value == pytest.approx(1 / 2)
    # At its end A, B and D were open with a team: A and D have peer1: 2 of 3.
    assert part.figure("core_teams").value == 3
    assert part.figure("teams_with_peer").value == pytest.approx(2 / 3)


def test_an_empty_period_has_no_shares(world: World) -> None:
    with timeutil.frozen(MONDAY_10):
        part = world.repo.team_report(EMPTY_WEEK).part("peer")
    assert (part.figure("meetings").value, part.figure("core_teams").value) == (0, 0)
    assert part.figure("with_peer").value is None
    assert part.figure("teams_with_peer").value is None
