"""The team report's intake, response and caseload parts (issue 14) on a real PostgreSQL
server: the same desk as tests/repo/test_team_report_response.py gives the same parts,
figure for figure, as on SQLite (the week bucketing, the conditional counts and the
instants read back are portable)."""

from __future__ import annotations

import datetime as dt

import pytest

from duty_desk.db import Database
from duty_desk.repository import Repository
from duty_desk.team_report import Period
from tests.conftest import test_config
from tests.repo.test_team_report_response import PERIOD, build

pytestmark = pytest.mark.slow
PARTS = ("intake", "response", "caseload")


def test_postgresql_gives_the_same_parts_as_sqlite(pg: Database, repo: Repository) -> None:
    server = Repository(pg, test_config(), actor="duty1")
    server.add_staff("duty1", "Duty Worker One (test)", "team_lead", bootstrap=True)
    on_server, on_file = build(server), build(repo)
    long = Period(dt.date(2026, 7, 1), dt.date(2026, 11, 30))  # read by scanning
    for period in (PERIOD, long):
        for area in (None, "canterbury"):
            got, expected = on_server.report(period, area), on_file.report(period, area)
            for key in PARTS:
                assert got.part(key) == expected.part(key), (key, period, area)
    assert on_server.report(PERIOD).figure("response.referrals").value == 14
