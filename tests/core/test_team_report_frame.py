"""The team report's frame (issue 14): periods, the definitions written once in the part
modules' docstrings, and the generated docs/report-definitions.md."""

from __future__ import annotations

import datetime as dt
import importlib
from pathlib import Path

import pytest

from duty_desk.team_report import PARTS, Period, PeriodKind
from duty_desk.team_report.definitions import definitions, markdown, parse

ROOT = Path(__file__).resolve().parents[2]


def test_week_runs_monday_to_sunday() -> None:
    week = Period.week(dt.date(2026, 12, 2))  # a Wednesday
    assert (week.start, week.end, week.days) == (dt.date(2026, 11, 30), dt.date(2026, 12, 6), 7)


def test_month_and_quarter_hold_their_last_day() -> None:
    assert Period.month(dt.date(2028, 2, 10)).end == dt.date(2028, 2, 29)  # a leap year
    quarter = Period.quarter(dt.date(2026, 11, 15))
    assert (quarter.start, quarter.end) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))


@pytest.mark.parametrize("kind", [PeriodKind.week, PeriodKind.month, PeriodKind.quarter])
def test_shifting_a_period_back_and_forth_returns_to_it(kind: PeriodKind) -> None:
    period = Period.of(kind, dt.date(2026, 3, 31))
    earlier = period.shifted(-1)
    assert earlier.end == period.start - dt.timedelta(days=1)
    assert earlier.shifted(1) == period
    assert period.shifted(-5).shifted(5) == period


def test_custom_period_moves_by_its_length() -> None:
    period = Period(dt.date(2026, 1, 1), dt.date(2026, 1, 10))
    assert period.shifted(1) == Period(dt.date(2026, 1, 11), dt.date(2026, 1, 20))


def test_a_period_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValueError, match="ends on or after"):
        Period(dt.date(2026, 1, 2), dt.date(2026, 1, 1))


def test_definitions_are_read_with_their_continuation_lines() -> None:
    doc = "Summary.\n\nDefinitions:\n\n- seen (People seen): the people\n  met at least once.\n"
    [found] = parse("demo", doc)
    assert (found.key, found.label, found.text) == (
        "demo.seen",
        "People seen",
        "the people met at least once.",
    )


def test_every_part_has_a_title_and_a_compute() -> None:
    for part in PARTS:
        module = importlib.import_module(f"duty_desk.team_report.{part}")
        assert module.TITLE and callable(module.compute)


def test_definition_keys_are_unique_per_part() -> None:
    every = definitions()
    assert len(every) == len(set(every))


def test_the_definitions_file_is_generated_from_the_docstrings() -> None:
    written = (ROOT / "docs" / "report-definitions.md").read_text(encoding="utf-8")
    assert written == markdown(), (
        "docs/report-definitions.md is out of date: "
        "python -m duty_desk.team_report.definitions > docs/report-definitions.md"
    )
