"""``duty-desk export meetings``: csv, json and iCalendar files, per team or staff member,
team offsets in summer and winter, and an .ics that parses back with no personal data."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pendulum
import pytest
from click.testing import CliRunner, Result
from icalendar import Calendar

from duty_desk import timeutil
from duty_desk.cli import cli
from duty_desk.config import Config
from duty_desk.db import open_database
from duty_desk.export import MEETING_COLUMNS
from duty_desk.ics import initials
from duty_desk.identity import os_login
from duty_desk.repository import Repository
from tests.conftest import referral_input

ME = os_login()
TZ = "Europe/London"


@pytest.fixture
def filled(tmp_path: Path) -> Path:
    """A summer home visit (BST) that happened, a winter meeting that was cancelled, and a
    winter phone meeting with the peer worker only."""
    path = tmp_path / "team.db"
    config = Config()
    db = open_database(config, str(path), create=True)
    repo = Repository(db, config, actor=ME)
    try:
        with timeutil.frozen(pendulum.datetime(2026, 6, 1, 9, 0, tz=TZ)):
            me = repo.add_staff(ME, "Duty Worker (test)", "team_lead", bootstrap=True)
            peer = repo.add_staff("peer1", "Peer Worker (test)", "peer_support")
            referral = repo.add_referral(referral_input(received_at="01/06/2026 08:30"))
            mum = repo.add_network_member(referral, "Mum Example (test)", "mother")
            client = repo.accept(referral)
            summer = repo.book(
                client,
                pendulum.datetime(2026, 6, 1, 14, tz=TZ),
                60,
                [me.id, peer.id],
                "home",
                "1 Test Lane, Canterbury (test)",
            )
        with timeutil.frozen(pendulum.datetime(2026, 6, 1, 16, 0, tz=TZ)):
            repo.record_happened(summer, [me.id], [mum])
        with timeutil.frozen(pendulum.datetime(2026, 11, 23, 9, 0, tz=TZ)):
            winter = repo.book(
                client, pendulum.datetime(2026, 11, 24, 10, tz=TZ), 60, [me.id], "base"
            )
            repo.cancel_meeting(winter, "client", "Asked to move it (test)")
            repo.book(
                client, pendulum.datetime(2026, 11, 25, 11, 30, tz=TZ), 30, [peer.id], "phone"
            )
    finally:
        db.dispose()
    return path


def export(db: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", str(db), "export", "meetings", *args])


def test_json_all_year(filled: Path) -> None:
    result = export(filled, "--from", "01/01/2026", "--to", "2026-12-31")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout_bytes)
    assert [list(row) for row in rows] == [list(MEETING_COLUMNS)] * 3
    summer, winter, phone = rows
    assert (summer["starts_at"], summer["ends_at"]) == (
        "2026-06-01T14:00:00+01:00",
        "2026-06-01T15:00:00+01:00",
    )
    assert summer["status"] == "happened"
    assert summer["staff"] == [ME, "peer1"] or summer["staff"] == ["peer1", ME]
    assert summer["staff_attended"] == [ME]
    assert summer["network"] == ["Mum Example (test)"]
    assert summer["network_attended"] == ["Mum Example (test)"]
    assert summer["place_detail"] == "1 Test Lane, Canterbury (test)"
    assert summer["client_name"] == "Alex Example (test)"
    assert winter["starts_at"] == "2026-11-24T10:00:00+00:00"
    assert (winter["status"], winter["cancelled_by"], winter["cancel_reason"]) == (
        "cancelled",
        "client",
        "Asked to move it (test)",
    )
    assert phone["staff"] == ["peer1"] and phone["place_kind"] == "phone"


def test_dates_are_local_and_inclusive_and_staff_filter(filled: Path) -> None:
    rows = json.loads(export(filled, "--from", "24/11/2026", "--to", "24/11/2026").stdout_bytes)
    assert [r["status"] for r in rows] == ["cancelled"]
    rows = json.loads(
        export(
            filled, "--from", "01/11/2026", "--to", "30/11/2026", "--staff", "peer1"
        ).stdout_bytes
    )
    assert [r["place_kind"] for r in rows] == ["phone"]
    rows = json.loads(export(filled, "--from", "02/06/2026", "--to", "23/11/2026").stdout_bytes)
    assert rows == []


def test_csv_file_is_written_atomically(filled: Path, tmp_path: Path) -> None:
    target = tmp_path / "meetings.csv"
    result = export(filled, "--from", "01/01/2026", "--to", "31/12/2026", "--output", str(target))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"Wrote 3 meetings to {target} (csv).\n"
    text = target.read_bytes().decode("utf-8")
    assert text.startswith(",".join(MEETING_COLUMNS) + "\r\n")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert rows[0]["starts_at"] == "2026-06-01T14:00:00+01:00"
    assert json.loads(rows[0]["staff_attended"]) == [ME]
    assert rows[1]["cancel_reason"] == "Asked to move it (test)"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_ics_parses_back_without_personal_data(filled: Path, tmp_path: Path) -> None:
    target = tmp_path / "team.ics"
    result = export(filled, "--from", "01/01/2026", "--to", "31/12/2026", "-o", str(target))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"Wrote 3 meetings to {target} (ics).\n"
    raw = target.read_bytes()
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
    for secret in (b"Alex", b"Example", b"Test Lane", b"Mum", b"01632", b"Asked to move"):
        assert secret not in raw
    calendar = Calendar.from_ical(raw)
    assert str(calendar["version"]) == "2.0"
    events = calendar.walk("VEVENT")
    assert [str(e["uid"]) for e in events] == [f"meeting-{n}@duty-desk" for n in (1, 2, 3)]
    summer, winter, phone = events
    assert summer.decoded("dtstart") == pendulum.datetime(2026, 6, 1, 13, tz="UTC")
    assert summer.decoded("dtstart").utcoffset().total_seconds() == 0
    assert b"DTSTART:20260601T130000Z" in raw
    assert summer.decoded("dtend") == pendulum.datetime(2026, 6, 1, 14, tz="UTC")
    assert str(summer["summary"]) == "POD meeting A.E. - home visit"
    assert str(summer["location"]) == "Home visit (address in duty-desk)"
    assert str(summer["status"]) == "CONFIRMED"
    assert int(summer["sequence"]) == 1  # booked, then recorded as happened
    assert ME in str(summer["description"]) and "peer1" in str(summer["description"])
    assert str(winter["status"]) == "CANCELLED"
    assert winter.decoded("dtstart") == pendulum.datetime(2026, 11, 24, 10, tz="UTC")
    assert str(phone["location"]) == "Phone"
    # the same meeting exported again keeps its UID (a calendar program updates it)
    again = tmp_path / "again.ics"
    export(
        filled,
        "--from",
        "25/11/2026",
        "--to",
        "25/11/2026",
        "--staff",
        "peer1",
        "--format",
        "ics",
        "-o",
        str(again),
    )
    [only] = Calendar.from_ical(again.read_bytes()).walk("VEVENT")
    assert str(only["uid"]) == str(phone["uid"])
    assert "POD meetings: peer1" in again.read_text(encoding="utf-8")


def test_ics_to_stdout(filled: Path) -> None:
    result = export(filled, "--from", "01/11/2026", "--to", "30/11/2026", "--format", "ics")
    assert result.exit_code == 0, result.stderr
    assert len(Calendar.from_ical(result.stdout_bytes).walk("VEVENT")) == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "needs --from DATE and --to DATE"),
        (["--from", "01/12/2026", "--to", "01/11/2026"], "is before --from"),
        (["--from", "31/02/2026", "--to", "01/03/2026"], "not a real date"),
        (
            ["--from", "01/11/2026", "--to", "30/11/2026", "--staff", "nobody"],
            "No staff member with login 'nobody'",
        ),
    ],
)
def test_mistakes_are_one_sentence(
    filled: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    target = tmp_path / "out.ics"
    result = export(filled, *args, "-o", str(target))
    assert result.exit_code == 1
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not target.exists()


def test_referrals_refuse_ics_and_dates(filled: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--db", str(filled), "export", "referrals", "--format", "ics"]
    )
    assert result.exit_code == 1 and "are for meetings" in result.stderr
    result = CliRunner().invoke(
        cli, ["--db", str(filled), "export", "audit", "--from", "01/01/2026"]
    )
    assert result.exit_code == 1 and "are for meetings" in result.stderr


def test_audit_export_shows_meeting_times_in_team_zone(filled: Path) -> None:
    result = CliRunner().invoke(cli, ["--db", str(filled), "export", "audit"])
    rows = [r for r in json.loads(result.stdout_bytes) if r["action"] == "book meeting"]
    assert rows[0]["after"]["starts_at"] == "2026-06-01T14:00:00+01:00"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Alex Example (test)", "A.E."),
        ("Mary-Jane de Test (test)", "M.J.D."),
        ("", "?"),
        ("Sam", "S."),
    ],
)
def test_initials(name: str, expected: str) -> None:
    assert initials(name) == expected
