"""backup, restore and check: real SQLite files, the real CLI, a real writer process."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pendulum
import pytest
from click.testing import CliRunner, Result

from duty_desk import maintenance, timeutil
from duty_desk.cli import cli
from duty_desk.config import Config
from duty_desk.db import Database
from duty_desk.identity import os_login
from duty_desk.repository import Repository

# No settings or database from the machine running the tests (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("isolated_env")


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def names(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as con:
        return [row[0] for row in con.execute("SELECT name FROM referral ORDER BY id")]


@pytest.fixture
def two_referrals(make_referral: Callable[..., int]) -> list[int]:
    return [make_referral(name="First Person (test)"), make_referral(name="Second Person (test)")]


def test_backup_is_a_checked_copy_owner_and_group_only(
    db: Database, db_path: Path, two_referrals: list[int], tmp_path: Path
) -> None:
    copy = tmp_path / "backups" / "duty-copy.db"
    result = invoke("--db", str(db_path), "backup", str(copy))
    assert result.exit_code == 0, result.output
    assert names(copy) == ["First Person (test)", "Second Person (test)"]
    assert os.stat(copy).st_mode & 0o007 == 0, "never readable by others"
    assert not list(copy.parent.glob(".*partial")), "no temporary file left behind"


def test_backup_refuses_to_overwrite_without_force(
    db_path: Path, two_referrals: list[int], tmp_path: Path
) -> None:
    copy = tmp_path / "copy.db"
    copy.write_bytes(b"precious")
    result = invoke("--db", str(db_path), "backup", str(copy))
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert copy.read_bytes() == b"precious"
    assert invoke("--db", str(db_path), "backup", "--force", str(copy)).exit_code == 0
    assert len(names(copy)) == 2


WRITER = """
import sys
from duty_desk.config import Config
from duty_desk.db import open_database
from duty_desk.repository import Repository
sys.path.insert(0, {tests!r})
from conftest import referral_input
db = open_database(Config(), {path!r})
repo = Repository(db, Config(), actor="duty1")
print("ready", flush=True)
for i in range(int(sys.argv[1])):
    repo.add_referral(referral_input(name=f"Writer {{i}} (test)", received_at="23/11/2026 09:00"))
print("done", flush=True)
"""


def test_backup_while_another_process_writes_is_consistent(
    db: Database, db_path: Path, repo: Repository, tmp_path: Path
) -> None:
    script = WRITER.format(tests=str(Path(__file__).parents[1]), path=str(db_path))
    writer = subprocess.Popen(
        [sys.executable, "-c", script, "150"], stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "ready"
    copies = []
    for n in range(3):
        copy = tmp_path / f"during-{n}.db"
        maintenance.backup(db, copy)
        copies.append(copy)
    assert writer.wait(timeout=120) == 0
    for copy in copies:
        with closing(sqlite3.connect(copy)) as con:
            assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            referrals = con.execute("SELECT count(*) FROM referral").fetchone()[0]
            audited = con.execute(
                "SELECT count(*) FROM audit_log WHERE action = 'add referral'"
            ).fetchone()[0]
        assert referrals == audited, "each copy is one consistent moment: rows match their audit"


def test_restore_refuses_a_backup_older_than_the_database(
    db: Database,
    db_path: Path,
    repo: Repository,
    two_referrals: list[int],
    tmp_path: Path,
    make_referral: Callable[..., int],
) -> None:
    repo.add_staff(os_login(), "Restoring Lead (test)", "team_lead")  # restore: a team lead's
    copy = tmp_path / "older.db"
    maintenance.backup(db, copy)
    with timeutil.frozen(pendulum.datetime(2026, 11, 23, 11, 0, tz="UTC")):
        make_referral(name="Third Person (test)")
    result = invoke("--db", str(db_path), "restore", str(copy))
    assert result.exit_code == 1
    assert "newer than this backup" in result.output
    assert len(names(db_path)) == 3, "nothing changed"

    result = invoke("--db", str(db_path), "restore", "--force", str(copy))
    assert result.exit_code == 0, result.output
    assert names(db_path) == ["First Person (test)", "Second Person (test)"]
    kept = list(tmp_path.glob("duty.db.before-restore-*"))
    assert len(kept) == 1 and len(names(kept[0])) == 3, "what was replaced is kept"
    # The app's own connections see the restored contents.
    assert [r.name for r in repo.open_referrals()] == [
        "First Person (test)",
        "Second Person (test)",
    ]


def test_restore_refuses_what_is_not_a_duty_desk_database(
    db_path: Path, repo: Repository, two_referrals: list[int], tmp_path: Path
) -> None:
    repo.add_staff(os_login(), "Restoring Lead (test)", "team_lead")  # restore: a team lead's
    other = tmp_path / "other.db"
    with closing(sqlite3.connect(other)) as con:
        con.execute("CREATE TABLE t (x)")
    text_file = tmp_path / "notes.db"
    text_file.write_text("not a database at all", encoding="utf-8")
    for bad in (other, text_file, tmp_path / "missing.db"):
        result = invoke("--db", str(db_path), "restore", str(bad))
        assert result.exit_code == 1, bad
        assert "Traceback" not in result.output
        assert isinstance(result.exception, SystemExit), "one sentence, not an exception"
        assert "not a duty-desk database" in result.output or "no file at" in result.output
    assert len(names(db_path)) == 2


def test_check_passes_a_healthy_database(db_path: Path, two_referrals: list[int]) -> None:
    os.chmod(db_path, 0o600)
    result = invoke("--db", str(db_path), "check")
    assert result.exit_code == 0, result.output
    assert "integrity check: ok" in result.output
    assert "PROBLEM" not in result.output and "warning" not in result.output


def test_check_finds_a_week_over_its_cap_and_a_double_booking(
    db: Database,
    db_path: Path,
    repo: Repository,
    config: Config,
    make_referral: Callable[..., int],
) -> None:
    ids = [make_referral(name=f"Person {n} (test)") for n in range(6)]
    with closing(sqlite3.connect(db_path)) as con, con:
        # Written behind the app's back, as a broken script would: six accepted in a week of five.
        con.executemany("UPDATE referral SET status = 'accepted' WHERE id = ?", [(i,) for i in ids])
        staff = con.execute("SELECT id FROM staff").fetchone()[0]
        client = con.execute(
            "INSERT INTO client (referral_id, accepted_at, accepted_by_id, status, version) "
            "VALUES (?, '2026-11-23 10:00:00', ?, 'open', 1)",
            (ids[0], staff),
        ).lastrowid
        for start, end in (("10:00", "11:00"), ("10:30", "11:30")):
            meeting = con.execute(
                "INSERT INTO meeting (client_id, starts_at, ends_at, place_kind, place_detail, "
                "status, created_at, created_by, version) VALUES (?, ?, ?, 'base', '', 'booked', "
                "'2026-11-23 09:00:00', 'duty1', 1)",
                (client, f"2026-11-24 {start}:00", f"2026-11-24 {end}:00"),
            ).lastrowid
            con.execute(
                "INSERT INTO meeting_staff (meeting_id, staff_id) VALUES (?, ?)", (meeting, staff)
            )
    result = invoke("--db", str(db_path), "check")
    assert result.exit_code == 1
    assert "took 6 in the week of 23 Nov 2026 (cap 5)" in result.output
    assert "overlapping meetings" in result.output
    assert "5 accepted referrals have no episode" in result.output


def test_check_warns_about_a_world_readable_file(db_path: Path, two_referrals: list[int]) -> None:
    os.chmod(db_path, 0o644)
    result = invoke("--db", str(db_path), "check")
    assert result.exit_code == 0
    assert "warning" in result.output and "0644" in result.output
