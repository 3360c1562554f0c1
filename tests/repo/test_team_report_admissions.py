"""The team report's admissions part (issue 14) on a real SQLite file: admissions during
episodes in the period, people, informal and detained by section, bed days clipped to the
period (one still in hospital counts to today). Data: tests/repo/care_report_data.py."""

from __future__ import annotations

import datetime as dt

import pytest

from duty_desk import timeutil
from duty_desk.repository import Repository
from duty_desk.team_report import Period
from tests.conftest import MONDAY_10
from tests.repo.care_report_data import EMPTY_WEEK, WEEK, World, add_admissions, build


@pytest.fixture
def world(repo: Repository) -> World:
    found = build(repo)
    add_admissions(found)
    return found


def test_admissions_in_the_week(world: World) -> None:
    with timeutil.frozen(MONDAY_10):
        part = world.repo.team_report(WEEK).part("admissions")
    # In hospital on a day of 16-22 Nov: A 10-18 Nov (informal, spans the start) and B from
    # 20 Nov (s2, still in). A's 2-5 Nov is before the week. New in the week: B's.
    values = {f.key.split(".")[1]: f.value for f in part.figures}
    assert values == {
        "admissions": 2,
        "new": 1,
        "people": 2,
        "informal": 1,
        "detained": 1,
        # A: nights of 16 and 17 (discharged the 18th) = 2; B: 20, 21, 22 (the week's
        # last day, before today) = 3.
        "bed_days": 2 + 3,
    }
    assert part.tables[0].rows == (("s2", 1),)


def test_a_period_holding_today_counts_a_stay_to_today(world: World) -> None:
    with timeutil.frozen(MONDAY_10):
        part = world.repo.team_report(Period.month(dt.date(2026, 11, 1))).part("admissions")
        summary = world.repo.admissions_summary(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    # November: A 2-5 Nov (3 nights), A 10-18 (8 nights), B 20 Nov to today 23 Nov (4).
    assert part.figure("admissions").value == 3 and part.figure("people").value == 2
    assert part.figure("bed_days").value == 3 + 8 + 4
    # the repository's summary is the same computation
    assert (summary.admissions, summary.bed_days) == (3, 3 + 8 + 4)
    assert summary.client_ids == tuple(sorted((world.a, world.b)))


def test_an_area_and_an_empty_period(world: World) -> None:
    with timeutil.frozen(MONDAY_10):
        canterbury = world.repo.team_report(WEEK, area="canterbury").part("admissions")
        empty = world.repo.team_report(EMPTY_WEEK).part("admissions")
    assert canterbury.figure("admissions").value == 1  # A's stay; B is in Whitstable
    assert canterbury.figure("detained").value == 0 and canterbury.tables[0].rows == ()
    assert canterbury.figure("bed_days").value == 2
    assert [f.value for f in empty.figures] == [0, 0, 0, 0, 0, 0]
