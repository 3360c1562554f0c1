"""``duty-desk export clients`` and ``duty-desk staff capacity``: real database files, the
real command through click's runner, real output files."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pendulum
from click.testing import CliRunner, Result

from duty_desk import timeutil
from duty_desk.cli import cli
from duty_desk.config import Config
from duty_desk.db import open_database
from duty_desk.export import CLIENT_COLUMNS
from duty_desk.identity import os_login
from duty_desk.models import Meeting, MeetingStaff
from duty_desk.repo.continuity import refresh_continuity
from duty_desk.repository import Repository
from tests.conftest import referral_input

ME = os_login()
SUMMER = pendulum.datetime(2026, 6, 1, 10, 0, tz="Europe/London")  # BST, UTC+1
WINTER = pendulum.datetime(2026, 11, 23, 10, 0, tz="Europe/London")


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def team_db(path: Path) -> Path:
    """Three episodes: one accepted in summer and discharged, with four meetings (A A B A);
    one open with a core team and one meeting; one open with nothing yet."""
    config = Config()
    db = open_database(config, str(path), create=True)
    repo = Repository(db, config, actor=ME)
    try:
        with timeutil.frozen(SUMMER):
            repo.add_staff(ME, "Team Lead (test)", "team_lead", bootstrap=True)
            a = repo.add_staff("clin1", "Clinician One (test)", "clinician").id
            b = repo.add_staff("peer1", "Peer Worker One (test)", "peer_support").id
            first = repo.accept(
                repo.add_referral(
                    referral_input(name="Summer Example (test)", received_at="01/06/2026 09:00")
                )
            )
            repo.set_core_team(first, [a, b], a, "First team (test)")
            with db.session(write=True) as session:  # test setup: meetings that happened
                for day, who in ((2, a), (9, a), (16, b), (23, a)):
                    start = SUMMER.add(days=day)
                    row = Meeting(
                        client_id=first,
                        starts_at=start,
                        ends_at=start.add(hours=1),
                        place_kind="home",
                        status="happened",
                        created_at=start,
                        created_by=ME,
                    )
                    session.add(row)
                    session.flush()
                    session.add(MeetingStaff(meeting_id=row.id, staff_id=who, attended=True))
                session.flush()
                refresh_continuity(session, first)
        with timeutil.frozen(WINTER):
            repo.discharge(first, "primary_care", dt.date(2026, 11, 20), "Back to GP (test)")
            second = repo.accept(
                repo.add_referral(referral_input(name="Winter Example (test)", nhs_number=""))
            )
            repo.set_core_team(second, [a, b], b, "Team (test)")
            repo.accept(
                repo.add_referral(referral_input(name="Newest Example (test)", nhs_number=""))
            )
    finally:
        db.dispose()
    return path


def test_export_clients_json(tmp_path: Path) -> None:
    path = team_db(tmp_path / "team.db")
    result = invoke("--db", str(path), "export", "clients")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["name"] for r in rows] == [
        "Summer Example (test)",
        "Winter Example (test)",
        "Newest Example (test)",
    ]
    summer, winter, newest = rows
    assert list(summer) == list(CLIENT_COLUMNS)
    assert summer["accepted_at"] == "2026-06-01T10:00:00+01:00"
    assert summer["status"] == "discharged" and summer["discharged_on"] == "2026-11-20"
    assert summer["discharge_kind"] == "primary_care"
    assert summer["discharge_reason"] == "Back to GP (test)"
    assert summer["core_team"] == ["clin1", "peer1"] and summer["key_worker"] == "clin1"
    assert summer["nhs_number"] == "9990000018"
    # A A B A: UPC 3/4; COC (9 + 1 - 4) / 12 = 1/2; SECON 1 of 3 pairs... AA yes, AB no,
    # BA no -> 1/3; all with the core team; key worker at 3 of 4.
    assert summer["meetings"] == 4
    assert (summer["upc"], summer["coc"], summer["secon"]) == (0.75, 0.5, 0.3333)
    assert (summer["with_core"], summer["with_key_worker"]) == (1.0, 0.75)
    assert summer["last_meeting"] == "2026-06-24T10:00:00+01:00"
    # Fewer than two meetings: no figures, never a number.
    assert winter["meetings"] == 0
    assert [winter[k] for k in ("with_core", "with_key_worker", "upc", "coc", "secon")] == [
        None
    ] * 5
    assert winter["accepted_at"] == "2026-11-23T10:00:00+00:00" and winter["key_worker"] == "peer1"
    assert newest["core_team"] == [] and newest["key_worker"] is None
    assert newest["nhs_number"] is None and newest["discharged_on"] is None


def test_export_clients_csv_to_a_file_open_only(tmp_path: Path) -> None:
    path = team_db(tmp_path / "team.db")
    target = tmp_path / "clients.csv"
    result = invoke("--db", str(path), "export", "clients", "--open-only", "--output", str(target))
    assert result.exit_code == 0, result.output
    assert result.output == f"Wrote 2 episodes to {target} (csv).\n"
    with target.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == CLIENT_COLUMNS
    records = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert [r["name"] for r in records] == ["Winter Example (test)", "Newest Example (test)"]
    assert records[0]["core_team"] == '["clin1", "peer1"]'
    assert records[0]["coc"] == "" and records[0]["meetings"] == "0"
    assert records[1]["key_worker"] == ""
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".clients")] == []


def test_export_clients_include_discharged_is_the_default(tmp_path: Path) -> None:
    path = team_db(tmp_path / "team.db")
    both = invoke("--db", str(path), "export", "clients", "--format", "csv", "--include-discharged")
    default = invoke("--db", str(path), "export", "clients", "--format", "csv")
    assert both.exit_code == default.exit_code == 0
    assert both.stdout == default.stdout
    assert len(list(csv.reader(io.StringIO(both.stdout)))) == 4  # header + 3


def test_export_clients_refusals(tmp_path: Path) -> None:
    path = team_db(tmp_path / "team.db")
    result = invoke("--db", str(path), "export", "referrals", "--open-only")
    assert result.exit_code == 1 and "are for clients, not referrals" in result.output
    result = invoke("--db", str(path), "export", "clients", "--format", "ics")
    assert result.exit_code == 1 and "for meetings, not clients" in result.output
    missing = tmp_path / "no-such-folder" / "clients.json"
    result = invoke("--db", str(path), "export", "clients", "--output", str(missing))
    assert result.exit_code == 1 and "nothing was written" in result.output
    assert not missing.exists()
    result = invoke("--db", str(path), "export", "clients", "--output", str(tmp_path))
    assert result.exit_code == 1 and "it is a folder" in result.output


def test_staff_capacity(tmp_path: Path) -> None:
    path = team_db(tmp_path / "team.db")
    result = invoke("--db", str(path), "staff", "capacity", "peer1", "8")
    assert result.exit_code == 0, result.output
    assert result.output == "Capacity of peer1 set to 8 episodes.\n"
    config = Config()
    db = open_database(config, str(path))
    try:
        repo = Repository(db, config, actor=ME)
        assert {s.login: s.capacity for s in repo.list_staff()}["peer1"] == 8
        entry = repo.history("staff", next(s.id for s in repo.list_staff() if s.login == "peer1"))[
            -1
        ]
        assert (entry.actor, entry.action, entry.after) == (ME, "set capacity", {"capacity": 8})
    finally:
        db.dispose()
    result = invoke("--db", str(path), "staff", "capacity", "peer1", "500")
    assert result.exit_code == 1 and "0 to 200" in result.output
    result = invoke("--db", str(path), "staff", "capacity", "nobody", "5")
    assert result.exit_code == 1 and "No staff member with login 'nobody'" in result.output
    result = invoke("--db", str(path), "staff", "capacity", "peer1", "many")
    assert result.exit_code == 2  # click: not a number
