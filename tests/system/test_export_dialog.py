"""``duty-desk export dialog``: one row per rating, item columns in the settings' order,
unrated items empty, scores rounded, no names; optional --from/--to; bad options refused."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pendulum
from click.testing import CliRunner, Result

from duty_desk import timeutil
from duty_desk.cli import cli
from duty_desk.config import Config
from duty_desk.db import open_database
from duty_desk.identity import os_login
from duty_desk.repository import Repository
from tests.conftest import referral_input
from tests.dialog_answers import LIFE

ME = os_login()
NAME = "Dialog Example (test)"


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def rated_db(path: Path) -> Path:
    """One client rated twice: 23 Nov (all 4, help with job) and 30 Nov (job unrated)."""
    config = Config()
    db = open_database(config, str(path), create=True)
    repo = Repository(db, config, actor=ME)
    try:
        with timeutil.frozen(pendulum.datetime(2026, 11, 23, 12, tz="UTC")):
            repo.add_staff(ME, "Team Lead (test)", "team_lead", bootstrap=True)
            client = repo.accept(repo.add_referral(referral_input(name=NAME)))
            repo.save_dialog_rating(
                client, {key: (4, key == "job") for key in LIFE} | {"medication": (5, False)}
            )
        with timeutil.frozen(pendulum.datetime(2026, 11, 30, 12, tz="UTC")):
            repo.save_dialog_rating(
                client, {key: (None if key == "job" else 5, False) for key in LIFE}
            )
    finally:
        db.dispose()
    return path


def test_export_dialog_csv_has_one_row_per_rating_and_no_names(tmp_path: Path) -> None:
    db = rated_db(tmp_path / "d.db")
    result = invoke("--db", str(db), "export", "dialog", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    header = next(csv.reader(io.StringIO(result.stdout)))
    assert header[:6] == [
        "rating_id",
        "client_id",
        "meeting_id",
        "rated_on",
        "mental_health",
        "mental_health_help",
    ]
    assert header[-5:] == [
        "quality_of_life",
        "treatment_satisfaction",
        "life_items_rated",
        "treatment_items_rated",
        "rated_by",
    ]
    assert [r["rated_on"] for r in rows] == ["2026-11-23", "2026-11-30"]
    assert rows[0]["job"] == "4" and rows[0]["job_help"] == "True"
    assert rows[1]["job"] == "" and rows[1]["medication"] == ""
    assert rows[0]["quality_of_life"] == "4.0" and rows[0]["treatment_satisfaction"] == ""
    assert rows[1]["quality_of_life"] == "5.0" and rows[1]["life_items_rated"] == "7"
    assert NAME not in result.stdout and "999" not in result.stdout


def test_export_dialog_json_within_dates(tmp_path: Path) -> None:
    db = rated_db(tmp_path / "d.db")
    result = invoke("--db", str(db), "export", "dialog", "--from", "24/11/2026")
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.stdout)
    assert row["rated_on"] == "2026-11-30" and row["job"] is None
    result = invoke("--db", str(db), "export", "dialog", "--to", "2026-11-23")
    assert [r["rated_on"] for r in json.loads(result.stdout)] == ["2026-11-23"]


def test_export_dialog_refusals(tmp_path: Path) -> None:
    db = rated_db(tmp_path / "d.db")
    backwards = invoke(
        "--db", str(db), "export", "dialog", "--from", "30/11/2026", "--to", "1/11/2026"
    )
    assert backwards.exit_code != 0 and "before --from" in backwards.output
    staff = invoke("--db", str(db), "export", "dialog", "--staff", ME)
    assert staff.exit_code != 0 and "--staff is for" in staff.output
    ics = invoke("--db", str(db), "export", "dialog", "--format", "ics")
    assert ics.exit_code != 0 and "ics" in ics.output
