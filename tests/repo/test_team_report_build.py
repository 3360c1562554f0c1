"""The team report through the repository (issue 14): every part, in order, each figure
with a definition; bad periods and areas refused."""

from __future__ import annotations

import datetime as dt

import pytest

from duty_desk.errors import InputErrors
from duty_desk.repository import Repository
from duty_desk.team_report import PARTS, Period
from duty_desk.team_report.definitions import definitions


def test_report_has_every_part_in_order_and_every_figure_is_defined(repo: Repository) -> None:
    report = repo.team_report(Period.month(dt.date(2026, 11, 1)))
    assert tuple(part.key for part in report.parts) == PARTS
    defined = definitions()
    for part in report.parts:
        for item in (*part.figures, *part.tables, *part.series):
            assert item.key in defined, f"{item.key} has no definition in its module"
            assert item.key.startswith(f"{part.key}.")


def test_an_unknown_area_is_refused_by_name(repo: Repository) -> None:
    with pytest.raises(InputErrors) as caught:
        repo.team_report(Period.week(dt.date(2026, 11, 30)), area="atlantis")
    assert "atlantis" in caught.value.errors["area"]


def test_a_period_outside_the_years_taken_is_refused(repo: Repository) -> None:
    with pytest.raises(InputErrors):
        repo.team_report(Period(dt.date(1850, 1, 1), dt.date(1850, 1, 31)))
