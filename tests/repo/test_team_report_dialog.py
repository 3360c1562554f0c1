"""The team report's DIALOG part (issue 14) on a real SQLite file: paired change from each
episode's first to its latest rating, only scores from enough items, help wanted by item,
and the monthly means. Data and scores: tests/repo/care_report_data.py."""

from __future__ import annotations

import datetime as dt

import pytest

from duty_desk import timeutil
from duty_desk.repository import Repository
from duty_desk.team_report import Period
from tests.conftest import MONDAY_10
from tests.repo.care_report_data import EMPTY_WEEK, WEEK, World, add_ratings, build


@pytest.fixture
def world(repo: Repository) -> World:
    found = build(repo)
    add_ratings(found)
    return found


def test_paired_change_from_first_to_latest(world: World) -> None:
    with timeutil.frozen(MONDAY_10):
        part = world.repo.team_report(WEEK).part("dialog")
    # Ratings in the week: A 17, B 18, C 19 = 3.
    assert part.figure("ratings").value == 3
    # Pairs: latest rating in the week and at least two: A (2 -> 17 Nov) and C (3 -> 19).
    # B has one rating only; D's latest (6 Nov) is before the week.
    assert part.figure("pairs").value == 2
    # QoL: A 3 -> 5 (+2); C's first has 5 of 8 life items rated (too few, min 6): no QoL,
    # so C is not compared. n 1, mean +2, improved 1 of 1.
    assert part.figure("qol_pairs").value == 1
    assert part.figure("qol_change").value == pytest.approx(2.0)
    assert part.figure("qol_improved").value == pytest.approx(1.0)
    # Treatment: A 4 -> 4 (0, not improved); C 3 -> 5 (+2). n 2, mean (0 + 2)/2 = 1,
    # improved 1 of 2.
    assert part.figure("treatment_pairs").value == 2
    assert part.figure("treatment_change").value == pytest.approx(1.0)
    assert part.figure("treatment_improved").value == pytest.approx(1 / 2)


def test_help_wanted_by_item_in_the_period(world: World) -> None:
    with timeutil.frozen(MONDAY_10):
        part = world.repo.team_report(WEEK).part("dialog")
    # The week's ratings: A 17 (mental health, job), C 19 (job). A's 2 Nov is outside.
    assert part.tables[0].rows == (("job", 2), ("mental_health", 1))


def test_monthly_means_for_the_chart(world: World) -> None:
    period = Period(dt.date(2026, 10, 1), dt.date(2026, 11, 22))
    with timeutil.frozen(MONDAY_10):
        series = world.repo.team_report(period).part("dialog").series[0]
    assert series.x == (dt.date(2026, 10, 1), dt.date(2026, 11, 1))
    lines = dict(series.lines)
    # October: no ratings. November to the 22nd: QoL A 3, A 5, B 4, C 4 (C's 3 Nov has too
    # few), D 6, D 5 -> 27/6 = 4.5; treatment A 4, A 4, C 3, C 5 (B, D none rated) -> 4.
    assert lines["quality_of_life"] == (None, pytest.approx(4.5))
    assert lines["treatment"] == (None, pytest.approx(4.0))


def test_an_area_and_an_empty_period(world: World) -> None:
    with timeutil.frozen(MONDAY_10):
        whitstable = world.repo.team_report(WEEK, area="whitstable").part("dialog")
        empty = world.repo.team_report(EMPTY_WEEK).part("dialog")
    # Whitstable: B's one rating, no pair.
    assert whitstable.figure("ratings").value == 1 and whitstable.figure("pairs").value == 0
    assert whitstable.figure("qol_change").value is None
    assert whitstable.figure("qol_improved").value is None
    assert empty.figure("ratings").value == 0
    assert empty.tables[0].rows == ()
    assert dict(empty.series[0].lines)["quality_of_life"] == (None,)
