"""The team report's satisfaction part (issue 14) on a real SQLite file: Friends and Family
Test answers in the period, the share positive with Don't know in the total, the count per
answer, the comments; and a database without the answers' table reports no data.
Data: tests/repo/care_report_data.py."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from duty_desk import timeutil
from duty_desk.repository import Repository
from tests.conftest import MONDAY_10
from tests.repo.care_report_data import EMPTY_WEEK, WEEK, World, add_answers, build


@pytest.fixture
def world(repo: Repository) -> World:
    found = build(repo)
    add_answers(found)
    return found


def test_answers_share_positive_and_comments(world: World) -> None:
    with timeutil.frozen(MONDAY_10):
        part = world.repo.team_report(WEEK).part("satisfaction")
    # In the week: 17 very good, 18 don't know, 19 poor, 20 good (12 Nov is before it).
    # Positive: very good + good = 2, of all 4 answers (don't know counted) = 1/2.
    assert part.figure("answers").value == 4
    assert part.figure("positive").value == pytest.approx(2 / 4)
    by_answer, comments = part.tables
    assert by_answer.rows == (
        ("very_good", 1),
        ("good", 1),
        ("neither", 0),
        ("poor", 1),
        ("very_poor", 0),
        ("dont_know", 1),
    )
    # The blank comment on the 19th is no comment; none on the 18th.
    assert comments.columns == ("day", "answer", "comment")
    assert comments.rows == (
        ("2026-11-17", "very_good", "Felt heard (test)"),
        ("2026-11-20", "good", "Quick to come (test)"),
    )


def test_an_area_and_an_empty_period(world: World) -> None:
    with timeutil.frozen(MONDAY_10):
        canterbury = world.repo.team_report(WEEK, area="canterbury").part("satisfaction")
        empty = world.repo.team_report(EMPTY_WEEK).part("satisfaction")
    # Canterbury: A's two and C's one (B's don't know is Whitstable's): 2 of 3 positive.
    assert canterbury.figure("answers").value == 3
    assert canterbury.figure("positive").value == pytest.approx(2 / 3)
    assert empty.figure("answers").value == 0
    assert empty.figure("positive").value is None  # no answers: None, not 0
    assert empty.tables[1].rows == ()


def test_a_database_without_the_answers_table_reports_no_data(repo: Repository) -> None:
    """An older schema (before the Friends and Family Test table) must not break the report."""
    with repo.db.session(write=True) as session:
        session.exec(text("DROP TABLE satisfaction_answer"))  # type: ignore[call-overload]
    with timeutil.frozen(MONDAY_10):
        report = repo.team_report(WEEK)
    assert report.part("satisfaction").has_data is False
    assert report.part("network").has_data is True
