"""``duty-desk export referrals|audit``: JSON and CSV, team offsets, respond-by, atomic files."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import stat
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pendulum
import pytest
from click.testing import CliRunner, Result

from duty_desk import timeutil
from duty_desk.cli import cli
from duty_desk.config import Config
from duty_desk.db import open_database
from duty_desk.export import AUDIT_COLUMNS, REFERRAL_COLUMNS, atomic_output
from duty_desk.identity import os_login
from duty_desk.repository import Repository
from tests.conftest import referral_input

ME = os_login()
REQUIRED = {
    "id",
    "received_at",
    "respond_by",
    "name",
    "date_of_birth",
    "nhs_number",
    "area",
    "gp_practice",
    "source",
    "urgency",
    "status",
    "decision_reason",
    "decided_by",
    "decided_at",
}


@pytest.fixture
def filled(tmp_path: Path) -> Path:
    """Referrals in summer (BST, +01:00), across the October change, and in winter (+00:00)."""
    path = tmp_path / "team.db"
    config = Config()
    db = open_database(config, str(path), create=True)
    repo = Repository(db, config, actor=ME)
    try:
        with timeutil.frozen(pendulum.datetime(2026, 5, 1, 9, 0, tz="Europe/London")):
            repo.add_staff(ME, "Duty Worker (test)", "team_lead", bootstrap=True)
        with timeutil.frozen(pendulum.datetime(2026, 6, 1, 9, 30, tz="Europe/London")):
            summer = repo.add_referral(referral_input(received_at="01/06/2026 09:00"))
        with timeutil.frozen(pendulum.datetime(2026, 6, 1, 11, 0, tz="Europe/London")):
            repo.accept(summer)
        with timeutil.frozen(pendulum.datetime(2026, 10, 24, 9, 30, tz="Europe/London")):
            repo.add_referral(
                referral_input(
                    received_at="24/10/2026 09:00", name="Sam Sample (test)", nhs_number=""
                )
            )
        with timeutil.frozen(pendulum.datetime(2026, 11, 23, 10, 0, tz="Europe/London")):
            winter = repo.add_referral(
                referral_input(received_at="23/11/2026 09:00", name="Kit Demo (test)", urgency="B")
            )
            repo.redirect(winter, "cmht", "Already open to CMHT (test)")
    finally:
        db.dispose()
    return path


def export(db: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", str(db), "export", *args])


def by_name(rows: list[dict[str, object]]) -> dict[object, dict[str, object]]:
    return {row["name"]: row for row in rows}


def test_referrals_json_has_team_offsets_and_respond_by(filled: Path) -> None:
    result = export(filled, "referrals")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout_bytes)
    assert isinstance(rows, list) and len(rows) == 3
    for row in rows:
        assert REQUIRED <= set(row)
        assert list(row) == list(REFERRAL_COLUMNS)
    named = by_name(rows)

    summer = named["Alex Example (test)"]
    assert summer["received_at"] == "2026-06-01T09:00:00+01:00"
    assert summer["respond_by"] == "2026-06-02T09:00:00+01:00"
    assert summer["status"] == "accepted"
    assert summer["decided_by"] == ME
    assert summer["decided_at"] == "2026-06-01T11:00:00+01:00"
    assert summer["date_of_birth"] == "1990-02-01"
    assert summer["nhs_number"] == "9990000018"
    assert (summer["area"], summer["source"], summer["urgency"]) == (
        "canterbury",
        "spoa-urgent",
        "C",
    )
    assert summer["gp_practice"] == "Cathedral View Surgery (example)"
    assert summer["decision_reason"] is None

    # 24 real hours across the October change: 09:00 BST becomes 08:00 GMT next day.
    autumn = named["Sam Sample (test)"]
    assert autumn["received_at"] == "2026-10-24T09:00:00+01:00"
    assert autumn["respond_by"] == "2026-10-25T08:00:00+00:00"
    assert autumn["nhs_number"] is None
    assert autumn["status"] == "new" and autumn["decided_at"] is None

    winter = named["Kit Demo (test)"]
    assert winter["received_at"] == "2026-11-23T09:00:00+00:00"
    assert winter["respond_by"] == "2026-11-23T13:00:00+00:00"  # urgency B: 4 hours
    assert winter["status"] == "redirected"
    assert winter["onward"] == "cmht"
    assert winter["decision_reason"] == "Already open to CMHT (test)"


def test_referrals_csv_matches_json(filled: Path) -> None:
    result = export(filled, "referrals", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    text = result.stdout_bytes.decode("utf-8")
    assert text.startswith(",".join(REFERRAL_COLUMNS) + "\r\n")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    named = by_name(rows)  # type: ignore[arg-type]
    summer = named["Alex Example (test)"]
    assert summer["received_at"] == "2026-06-01T09:00:00+01:00"
    assert summer["respond_by"] == "2026-06-02T09:00:00+01:00"
    assert summer["id"] == "1"
    autumn = named["Sam Sample (test)"]
    assert autumn["nhs_number"] == "" and autumn["decided_at"] == ""
    assert named["Kit Demo (test)"]["received_at"] == "2026-11-23T09:00:00+00:00"


def test_audit_json_and_csv(filled: Path) -> None:
    rows = json.loads(export(filled, "audit").stdout_bytes)
    assert [row["id"] for row in rows] == sorted(row["id"] for row in rows)
    for row in rows:
        assert list(row) == list(AUDIT_COLUMNS)
        assert row["actor"] == ME
    first = rows[0]
    assert (first["action"], first["entity"], first["at"]) == (
        "add staff",
        "staff",
        "2026-05-01T09:00:00+01:00",
    )
    accept = next(row for row in rows if row["action"] == "accept")
    assert accept["at"] == "2026-06-01T11:00:00+01:00"
    assert accept["before"]["status"] == "new"
    assert accept["after"]["status"] == "accepted"
    assert accept["after"]["decided_at"] == "2026-06-01T11:00:00+01:00"  # team offset inside too
    added = next(row for row in rows if row["action"] == "add referral")
    assert added["before"] is None
    assert added["after"]["received_at"] == "2026-06-01T09:00:00+01:00"

    text = export(filled, "audit", "--format", "csv").stdout_bytes.decode("utf-8")
    table = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(table) == len(rows)
    accept_row = next(row for row in table if row["action"] == "accept")
    assert json.loads(accept_row["after"])["status"] == "accepted"
    assert accept_row["at"] == "2026-06-01T11:00:00+01:00"


def test_an_empty_database_exports_an_empty_list(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    open_database(Config(), str(path), create=True).dispose()
    assert export(path, "referrals").stdout_bytes == b"[]\n"
    assert (
        export(path, "referrals", "--format", "csv").stdout_bytes.decode()
        == ",".join(REFERRAL_COLUMNS) + "\r\n"
    )


def test_output_file_is_complete_private_and_format_follows_the_name(
    filled: Path, tmp_path: Path
) -> None:
    target = tmp_path / "out" / "referrals.csv"
    target.parent.mkdir()
    result = export(filled, "referrals", "--output", str(target))
    assert result.exit_code == 0, result.stderr
    assert result.output == f"Wrote 3 referrals to {target} (csv).\n"
    assert target.read_text(encoding="utf-8").startswith("id,received_at,respond_by,")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in target.parent.iterdir()) == ["referrals.csv"]

    json_target = tmp_path / "out" / "audit.json"
    assert export(filled, "audit", "-o", str(json_target)).exit_code == 0
    assert isinstance(json.loads(json_target.read_bytes()), list)


def test_atomic_output_leaves_the_old_file_on_failure(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / "export.json"
    target.write_text("the previous export\n", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_output(target) as handle:
        handle.write(b'[\n  {"half": ')
        raise RuntimeError("the database went away")
    assert target.read_text(encoding="utf-8") == "the previous export\n"
    assert [p.name for p in folder.iterdir()] == ["export.json"]

    with atomic_output(target) as handle:
        handle.write(b"[]\n")
    assert target.read_bytes() == b"[]\n"
    assert [p.name for p in folder.iterdir()] == ["export.json"]


def test_a_failed_export_leaves_no_half_file_in_a_real_process(
    filled: Path, tmp_path: Path
) -> None:
    with closing(sqlite3.connect(filled)) as conn, conn:
        conn.execute("UPDATE referral SET received_at = 'Kit Demo 01/02/1990' WHERE id = 3")
    target = tmp_path / "export.json"
    target.write_text("the previous export\n", encoding="utf-8")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "duty_desk",
            "--db",
            str(filled),
            "export",
            "referrals",
            "--output",
            str(target),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "Kit" not in proc.stderr and "1990" not in proc.stderr
    assert target.read_text(encoding="utf-8") == "the previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".export")) == []


def test_export_errors_are_one_sentence(filled: Path, tmp_path: Path) -> None:
    result = export(filled, "referrals", "--output", str(tmp_path))
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"duty-desk: cannot write {tmp_path}: it is a folder."
    ]
    missing = tmp_path / "no" / "such" / "x.json"
    result = export(filled, "referrals", "--output", str(missing))
    assert result.exit_code == 1
    assert (
        f"cannot write {missing}: No such file or directory; nothing was written" in result.stderr
    )
    assert len(result.stderr.strip().splitlines()) == 1
    assert export(filled, "everything").exit_code == 2  # a usage mistake


def test_export_in_a_real_process_to_stdout(filled: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "duty_desk",
            "--db",
            str(filled),
            "export",
            "referrals",
            "--format",
            "json",
        ],
        capture_output=True,
        timeout=120,
        env=dict(os.environ),
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == b""
    rows = json.loads(proc.stdout.decode("utf-8"))
    assert {row["received_at"] for row in rows} == {
        "2026-06-01T09:00:00+01:00",
        "2026-10-24T09:00:00+01:00",
        "2026-11-23T09:00:00+00:00",
    }


def test_export_of_a_team_in_another_zone(filled: Path, tmp_path: Path) -> None:
    settings_file = tmp_path / "ny.toml"
    settings_file.write_text('[team]\ntimezone = "America/New_York"\n', encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["--config", str(settings_file), "--db", str(filled), "export", "referrals"]
    )
    rows = by_name(json.loads(result.stdout_bytes))
    assert rows["Alex Example (test)"]["received_at"] == "2026-06-01T04:00:00-04:00"
    assert rows["Kit Demo (test)"]["received_at"] == "2026-11-23T04:00:00-05:00"
