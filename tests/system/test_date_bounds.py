"""Dates far out through the real CLI: ``export meetings --from/--to`` and the date columns of
``import referrals`` (hypothesis with click's runner, and real processes for the edges).
Whatever date is given: one sentence naming the option or column, exit status 1, no
traceback, and the database unchanged. The app's date fields: tests/ui/test_ui_date_fields.py.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings

from duty_desk import timeutil
from duty_desk.cli import cli
from duty_desk.config import Config
from duty_desk.db import open_database
from duty_desk.identity import os_login
from duty_desk.repository import Repository
from tests.conftest import MONDAY_10
from tests.ui.test_ui_date_fields import EDGES, must_refuse, typed_dates

ME = os_login()
HEADER = "received_at,name,date_of_birth,nhs_number,phone,area,gp_practice,source,urgency,reason"
ROW = (
    "{received},Alex Example (test),{born},999 000 0018,01632 960001,canterbury,"
    "Cathedral View Surgery (example),spoa-urgent,C,Crisis referral (test)"
)
SETTINGS = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@pytest.fixture
def team_db(tmp_path: Path) -> Path:
    path = tmp_path / "team.db"
    config = Config()
    db = open_database(config, str(path), create=True)
    Repository(db, config, actor=ME).add_staff(ME, "Duty (test)", "team_lead", bootstrap=True)
    db.dispose()
    return path


def fingerprint(path: Path) -> tuple[int, int]:
    with closing(sqlite3.connect(path)) as con:
        return (
            con.execute("SELECT count(*) FROM audit_log").fetchone()[0],
            con.execute("SELECT count(*) FROM referral").fetchone()[0],
        )


def one_sentence(text: str, *fragments: str) -> None:
    assert "Traceback" not in text and "OverflowError" not in text
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    assert lines[0].startswith("duty-desk: "), text
    for fragment in fragments:
        assert fragment in lines[0], (fragment, text)


@SETTINGS
@example(start="0001-01-01", end="9999-12-31")
@example(start="01/01/2026", end="31/12/9999")
@given(start=typed_dates, end=typed_dates)
def test_export_meetings_any_dates(team_db: Path, start: str, end: str) -> None:
    before = fingerprint(team_db)
    result = CliRunner().invoke(
        cli, ["--db", str(team_db), "export", "meetings", "--from", start, "--to", end]
    )
    assert not isinstance(result.exception, OverflowError)
    assert result.exit_code in (0, 1), result.output
    if must_refuse(start, meeting=False):
        assert result.exit_code == 1
        one_sentence(result.output, "--from")
    elif must_refuse(end, meeting=False):  # named first, unless --from was unreadable
        assert result.exit_code == 1
        one_sentence(result.output)
        assert "--to" in result.output or "--from" in result.output
    if result.exit_code == 1:
        one_sentence(result.output)
    assert fingerprint(team_db) == before


@SETTINGS
@example(received="31/12/9999", born="01/02/1990")
@example(received="23/11/2026", born="0001-01-01")
@given(received=typed_dates, born=typed_dates)
def test_import_any_dates(team_db: Path, tmp_path: Path, received: str, born: str) -> None:
    file = tmp_path / "referrals.csv"
    file.write_text(
        HEADER + "\n" + ROW.format(received=f"{received} 09:00", born=born) + "\n",
        encoding="utf-8",
    )
    before = fingerprint(team_db)
    with timeutil.frozen(MONDAY_10):
        result = CliRunner().invoke(cli, ["--db", str(team_db), "import", "referrals", str(file)])
    assert not isinstance(result.exception, OverflowError)
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    if must_refuse(received, meeting=False):
        assert result.exit_code == 1 and "received_at" in result.output, result.output
    if must_refuse(born, meeting=False):
        assert result.exit_code == 1 and "date_of_birth" in result.output, result.output
    if result.exit_code == 1:
        assert fingerprint(team_db) == before


@pytest.mark.parametrize("edge", EDGES[:4])
def test_a_real_process_refuses_dates_far_out(team_db: Path, edge: str) -> None:
    before = fingerprint(team_db)
    done = subprocess.run(
        [sys.executable, "-m", "duty_desk", "--db", str(team_db), "export", "meetings"]
        + ["--from", "01/01/2026", "--to", edge],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
    )
    assert done.returncode == 1
    one_sentence(done.stderr, "--to", "outside the dates duty-desk takes (1900 to 2200)")
    assert fingerprint(team_db) == before
