"""The team report's care parts (issue 14: network, peer, continuity, admissions,
satisfaction, DIALOG) give the same figures on a real PostgreSQL server as on SQLite
(portable SQL: the same world, tests/repo/care_report_data.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from duty_desk import timeutil
from duty_desk.db import Database
from duty_desk.repository import Repository
from duty_desk.team_report import Period, TeamReport
from tests.conftest import DUTY, MONDAY_10, test_config
from tests.repo.care_report_data import (
    WEEK,
    add_admissions,
    add_answers,
    add_ratings,
    build,
)

CARE = ("network", "peer", "continuity", "admissions", "satisfaction", "dialog")


def _everything(repo: Repository) -> list[TeamReport]:
    world = build(repo)
    add_admissions(world)
    add_answers(world)
    add_ratings(world)
    with timeutil.frozen(MONDAY_10):
        return [
            repo.team_report(WEEK),
            repo.team_report(WEEK, area="canterbury"),
            repo.team_report(Period(dt.date(2026, 10, 1), dt.date(2026, 11, 30))),
        ]


def _care(report: TeamReport) -> list[object]:
    return [report.part(key) for key in CARE]


@pytest.mark.slow
def test_the_care_parts_are_the_same_on_postgresql(repo: Repository, pg: Database) -> None:
    lead = Repository(pg, test_config(), actor=DUTY)
    lead.add_staff(DUTY, "Duty Worker One (test)", "team_lead", bootstrap=True)
    on_sqlite = _everything(repo)
    on_server = _everything(lead)
    for mine, theirs in zip(on_sqlite, on_server, strict=True):
        for a, b in zip(_care(mine), _care(theirs), strict=True):
            assert _close(a, b), (a, b)


def _close(a: object, b: object) -> bool:
    """Equal, floats to 1e-9 (the servers may sum in another order)."""
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) < 1e-9
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))
    if hasattr(a, "__dataclass_fields__") and type(a) is type(b):
        return all(_close(getattr(a, f), getattr(b, f)) for f in a.__dataclass_fields__)
    return a == b
