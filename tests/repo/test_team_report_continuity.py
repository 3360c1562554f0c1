"""The team report's continuity part (issue 14) on a real SQLite file: UPC, COC and SECON
over the episodes open in the period (from the precomputed figures), meetings with the key
worker, and the breaks at the period's end. Data: tests/repo/care_report_data.py."""

from __future__ import annotations

import pytest

from duty_desk import timeutil
from duty_desk.repository import Repository
from duty_desk.team_report import Part
from tests.conftest import MONDAY_10
from tests.repo.care_report_data import ACCEPTED, EMPTY_WEEK, WEEK, World, at, build


def _breaks(part: Part) -> dict[object, object]:
    return dict((row[0], row[1]) for row in part.tables[0].rows)


@pytest.fixture
def world(repo: Repository) -> World:
    return build(repo)


def test_indices_over_episodes_median_and_quartiles(world: World) -> None:
    with timeutil.frozen(MONDAY_10):
        part = world.repo.team_report(WEEK).part("continuity")
    # Open on a day of the week: A, B, C, D (D discharged on the 20th) = 4.
    assert part.figure("episodes").value == 4
    # A's meetings that happened: 13 {duty1, peer1}, 16 {duty1, peer1}, 17 {duty1},
    # 19 {clin2 as cover: a stranger x}. M = 4.
    #   UPC = 3/4 (duty1); COC over visits duty1 3, peer1 2, x 1: N = 6,
    #   (9 + 4 + 1 - 6) / (6 * 5) = 8/30; SECON: (dp,dp) yes, (dp,d) yes, (d,x) no = 2/3.
    # B: 12 {clin2}, 18 {clin2}: UPC 1, COC (4 - 2) / (2 * 1) = 1, SECON 1.
    # C and D: no meetings, no index: left out (n = 2).
    # Quartiles of two values v1 <= v2: q1 = v1 + (v2 - v1)/4, median the mean, q3 = ...*3/4
    a = world.repo.episode(world.a).continuity
    assert (a.upc, a.coc, a.secon) == pytest.approx((3 / 4, 8 / 30, 2 / 3))  # the same figures
    for name, low in (("upc", 3 / 4), ("coc", 8 / 30), ("secon", 2 / 3)):
        assert part.figure(name).n == 2
        assert part.figure(f"{name}_q1").value == pytest.approx(low + (1 - low) / 4)
        assert part.figure(name).value == pytest.approx((low + 1) / 2)
        assert part.figure(f"{name}_q3").value == pytest.approx(low + 3 * (1 - low) / 4)


def test_meetings_with_the_key_worker(world: World) -> None:
    with timeutil.frozen(MONDAY_10):
        part = world.repo.team_report(WEEK).part("continuity")
    # A 16 (duty1, its key worker, came), A 17 (came), A 19 (no: clin2 as cover), B 18
    # (clin2, B's key worker, came): 3 of 4.
    assert part.figure("meetings").value == 4
    assert part.figure("with_key_worker").value == pytest.approx(3 / 4)


def test_breaks_at_the_periods_end(world: World) -> None:
    with timeutil.frozen(MONDAY_10):
        part = world.repo.team_report(WEEK).part("continuity")
    # Open at the end (23 Nov 00:00): A, B, C (D discharged on the 20th).
    # No key worker: C. Key worker left: none. A meeting in the 14 days before with no core
    # member: A's 19 Nov (clin2 as cover). Not seen in 14 days: C (accepted 2 Nov, never
    # met); A met on the 19th, B on the 18th.
    assert part.figure("open_episodes").value == 3
    assert _breaks(part) == {
        "no_key_worker": 1,
        "key_worker_left": 0,
        "no_core_at_meeting": 1,
        "not_seen": 1,
    }


def test_the_whitstable_area_alone(world: World) -> None:
    with timeutil.frozen(MONDAY_10):
        part = world.repo.team_report(WEEK, area="whitstable").part("continuity")
    # B alone: one value per index, so every quartile is that value.
    assert part.figure("episodes").value == 1
    assert (part.figure("upc_q1").value, part.figure("upc").value) == (1.0, 1.0)
    assert part.figure("with_key_worker").value == 1.0
    assert _breaks(part)["not_seen"] == 0


def test_an_empty_period_has_no_distribution(world: World) -> None:
    with timeutil.frozen(MONDAY_10):
        part = world.repo.team_report(EMPTY_WEEK).part("continuity")
    assert part.figure("episodes").value == 0
    for name in ("upc", "upc_q1", "upc_q3", "coc", "secon", "with_key_worker"):
        assert part.figure(name).value is None, name
    assert part.figure("open_episodes").value == 0


def test_a_meeting_with_another_episodes_core_member_is_without_the_core_team(
    world: World,
) -> None:
    """peer1 is in A's and D's core teams, not B's: B's meeting with peer1 alone (booked
    for them, not as cover) is a meeting without B's core team."""
    with timeutil.frozen(ACCEPTED):
        meeting = world.repo.book(world.b, at(20, 14), 60, [world.peer], "base")
    with timeutil.frozen(MONDAY_10):
        world.repo.record_happened(meeting, [world.peer], [])
        part = world.repo.team_report(WEEK).part("continuity")
    assert _breaks(part)["no_core_at_meeting"] == 2
    # and B's figures change: {clin2}, {clin2}, {peer1}: UPC 2/3, SECON 1/2
    b = world.repo.episode(world.b).continuity
    assert (b.upc, b.secon) == pytest.approx((2 / 3, 1 / 2))
