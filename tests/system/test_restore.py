"""Restore: nothing committed is lost, nothing stray is left, only a team lead restores, and
only a backup of this database (unless forced; never one whose audit log lost its guard).

Real processes on real files. A restore process can be paused at its first ``fsync`` (the
safety copy is written, the replacement not yet done) by a small wrapper around
``os.fsync`` in that process: the test then lets a writer try to commit, or kills the
restore with SIGKILL, at exactly that moment. No sleeps.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from duty_desk import maintenance, timeutil
from duty_desk.config import Config
from duty_desk.db import DATABASE_ID, Database, open_database
from duty_desk.identity import os_login
from duty_desk.maintenance import MaintenanceError
from duty_desk.models import APPEND_ONLY_MESSAGE
from duty_desk.repository import Repository
from tests.conftest import MONDAY_10
from tests.system.mp_workers import referral_row
from tests.system.other_login import run_cli

ROOT = Path(__file__).resolve().parents[2]
ME = os_login()
ZONE = Config().team.timezone

# The CLI in a process that stops at its first os.fsync until a line arrives on stdin.
PAUSED_AT_FSYNC = """
import os, sys
import duty_desk.cli, duty_desk.cli_maintenance, duty_desk.maintenance
real_fsync = os.fsync
paused = []
def fsync(fd):
    if not paused:
        paused.append(fd)
        print("paused", flush=True)
        sys.stdin.readline()
    real_fsync(fd)
os.fsync = fsync
sys.argv = ["duty-desk", *sys.argv[1:]]
duty_desk.cli.main()
"""

# Adds referrals NAME 0 .. NAME COUNT-1; says "committed NAME i" only once each is committed.
WRITER = """
import sys
from duty_desk.config import load_config
from duty_desk.db import open_database
from duty_desk.errors import DutyDeskError
from duty_desk.repository import Repository
from tests.system.mp_workers import referral_row
path, count, name = sys.argv[1], int(sys.argv[2]), sys.argv[3]
config = load_config()
repo = Repository(open_database(config, path), config, actor="duty1")
print("ready", flush=True)
for i in range(count):
    try:
        repo.add_referral(referral_row(f"{name} {i} (test)", f"23/11/2026 09:{i % 60:02d}"))
    except DutyDeskError as exc:
        print("refused", exc, flush=True)
    else:
        print(f"committed {name} {i} (test)", flush=True)
"""


# The CLI as the unprivileged login ``nobody`` (see tests/system/test_storage_faults.py).
def env(settings: Path, busy_seconds: float = 15) -> dict[str, str]:
    settings.write_text(f"[database]\nbusy_timeout_seconds = {busy_seconds}\n", encoding="utf-8")
    settings.chmod(0o644)
    environment = dict(os.environ)
    environment.update(
        DUTY_DESK_CONFIG=str(settings), PYTHONPATH=str(ROOT), PYTHONDONTWRITEBYTECODE="1"
    )
    environment.pop("DUTY_DESK_DB", None)
    return environment


def team_db(path: Path) -> Path:
    """duty1 and this login as team leads, one referral, the WAL folded back."""
    db = open_database(Config(), str(path), create=True)
    repo = Repository(db, Config(), actor="duty1")
    with timeutil.frozen(MONDAY_10):
        repo.add_staff("duty1", "Duty One (test)", "team_lead", bootstrap=True)
        if ME != "duty1":
            repo.add_staff(ME, "Restoring Lead (test)", "team_lead")
        repo.add_referral(referral_row("Kept Person (test)"))
    db.dispose()
    with closing(sqlite3.connect(path)) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def names(path: Path) -> list[str]:
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as con:
        return [row[0] for row in con.execute("SELECT name FROM referral ORDER BY id")]


def add(path: Path, name: str) -> None:
    db = open_database(Config(), str(path))
    with timeutil.frozen(MONDAY_10):
        Repository(db, Config(), actor="duty1").add_referral(referral_row(name))
    db.dispose()


def backup_of(path: Path, dest: Path) -> Path:
    db = open_database(Config(), str(path))
    maintenance.backup(db, dest)
    db.dispose()
    return dest


def paused_restore(path: Path, backup: Path, environment: dict[str, str]) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            PAUSED_AT_FSYNC,
            "--db",
            str(path),
            "restore",
            "--force",
            str(backup),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
        cwd=ROOT,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "paused", proc.communicate(timeout=60)
    return proc


def committed(lines: str) -> set[str]:
    return {
        line.removeprefix("committed ")
        for line in lines.splitlines()
        if line.startswith("committed ")
    }


def last_audit(path: Path) -> tuple[str, str, dict[str, object], dict[str, object]]:
    with closing(sqlite3.connect(path)) as con:
        actor, action, before, after = con.execute(
            "SELECT actor, action, before, after FROM audit_log ORDER BY id DESC LIMIT 1"
        ).fetchone()
    return actor, action, json.loads(before), json.loads(after)


# -- 1. nothing committed is lost ----------------------------------------------------------------


def test_a_commit_tried_between_the_safety_copy_and_the_replacement_is_never_lost(
    tmp_path: Path,
) -> None:
    path = team_db(tmp_path / "team.db")
    backup = backup_of(path, tmp_path / "backup.db")
    add(path, "Newer Person (test)")
    restorer = paused_restore(path, backup, env(tmp_path / "restore.toml"))
    try:  # the safety copy is written; one writer tries to commit now, and gives up after 1 s
        writer = subprocess.run(
            [sys.executable, "-c", WRITER, str(path), "1", "During Restore"],
            capture_output=True,
            text=True,
            timeout=120,
            env=env(tmp_path / "writer.toml", busy_seconds=1),
            cwd=ROOT,
        )
    finally:
        out, err = restorer.communicate("go\n", timeout=120)
    assert restorer.returncode == 0, err
    safety = next(tmp_path.glob("team.db.before-restore-*"))
    kept = set(names(safety)) | set(names(path))
    assert committed(writer.stdout) <= kept, "a change reported committed is in neither file"
    assert "refused" in writer.stdout and "busy" in writer.stdout, "restore held the database"
    assert names(path) == ["Kept Person (test)"]
    assert names(safety) == ["Kept Person (test)", "Newer Person (test)"]


def test_a_writer_committing_in_a_loop_loses_nothing_across_restores(
    db: Database, db_path: Path, repo: Repository, tmp_path: Path
) -> None:
    repo.add_referral(referral_row("Kept Person (test)"))
    backup = tmp_path / "backup.db"
    maintenance.backup(db, backup)
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db_path), "60", "Loop"],
        stdout=subprocess.PIPE,
        text=True,
        env=env(tmp_path / "writer.toml"),
        cwd=ROOT,
    )
    assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
    seen, copies = [], []
    for _ in range(4):
        seen.append(writer.stdout.readline())  # at least one commit before each restore
        done = maintenance.restore(db, backup, zone=ZONE, force=True, actor="duty1")
        copies.append(done.safety_copy)
    rest, _ = writer.communicate(timeout=180)
    assert writer.returncode == 0
    reported = committed("".join(seen) + rest)
    assert reported, "the writer committed"
    kept = set(names(db_path)).union(*(names(copy) for copy in copies))
    assert reported - kept == set(), "every reported commit is in a safety copy or after"
    assert len(set(copies)) == 4


# -- 2. safety copies never collide ---------------------------------------------------------------


def test_restores_in_the_same_instant_keep_a_copy_each_owner_only(
    db: Database, db_path: Path, repo: Repository, tmp_path: Path
) -> None:
    backup = tmp_path / "backup.db"
    maintenance.backup(db, backup)
    copies = []
    with timeutil.frozen(MONDAY_10):  # the same second, the same microsecond
        for n in range(3):
            repo.add_referral(referral_row(f"Person {n} (test)"))
            done = maintenance.restore(db, backup, zone=ZONE, force=True, actor="duty1")
            copies.append(done.safety_copy)
    assert len(set(copies)) == 3
    assert [len(names(copy)) for copy in copies] == [1, 1, 1], "none overwrote another"
    assert [names(copy) for copy in copies] == [[f"Person {n} (test)"] for n in range(3)]
    for copy in copies:
        assert copy.stat().st_mode & 0o077 == 0, "owner only"
    assert not list(tmp_path.glob(".*partial*")), "no temporary left"


# -- 3. a killed restore leaves nothing behind ----------------------------------------------------


def test_a_restore_killed_mid_copy_leaves_nothing_readable_check_names_it_next_restore_cleans(
    tmp_path: Path,
) -> None:
    path = team_db(tmp_path / "team.db")
    backup = backup_of(path, tmp_path / "backup.db")
    add(path, "Newer Person (test)")
    environment = env(tmp_path / "settings.toml")
    restorer = paused_restore(path, backup, environment)
    restorer.send_signal(signal.SIGKILL)
    restorer.communicate(timeout=60)
    assert names(path) == ["Kept Person (test)", "Newer Person (test)"], "unchanged"
    strays = [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert strays, "the copy being written when it was killed"
    for stray in strays:
        assert stray.stat().st_mode & 0o077 == 0, "nobody else can read it"
    assert not list(tmp_path.glob("team.db.before-restore-*"))

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "duty_desk", "--db", str(path), *args],
            capture_output=True,
            text=True,
            timeout=120,
            env=environment,
            cwd=ROOT,
        )

    check = cli("check")
    assert check.returncode == 1
    for stray in strays:
        assert f"PROBLEM  {stray} is a temporary copy left by" in check.stdout
        assert f"rm -f '{stray}'" in check.stdout
    again = cli("restore", "--force", str(backup))
    assert again.returncode == 0, again.stderr
    assert f"Removed {strays[0]}" in again.stdout
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert cli("check").returncode == 0


def test_a_restore_killed_before_its_commit_leaves_the_database_as_it_was(
    tmp_path: Path,
) -> None:
    path = team_db(tmp_path / "team.db")
    backup = backup_of(path, tmp_path / "backup.db")
    add(path, "Newer Person (test)")
    with closing(sqlite3.connect(path)) as con:
        audit_before = con.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    script = PAUSED_AT_FSYNC.replace(
        "os.fsync = fsync",  # pause at the restore's audit entry: every row already replaced
        "real_record = duty_desk.maintenance._record_restore\n"
        "def record(*args):\n"
        "    print('paused', flush=True)\n"
        "    sys.stdin.readline()\n"
        "duty_desk.maintenance._record_restore = record",
    )
    restorer = subprocess.Popen(
        [sys.executable, "-c", script, "--db", str(path), "restore", "--force", str(backup)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env(tmp_path / "settings.toml"),
        cwd=ROOT,
    )
    assert restorer.stdout is not None and restorer.stdout.readline().strip() == "paused"
    restorer.send_signal(signal.SIGKILL)
    restorer.communicate(timeout=60)
    assert names(path) == ["Kept Person (test)", "Newer Person (test)"]
    with closing(sqlite3.connect(path)) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("SELECT count(*) FROM audit_log").fetchone()[0] == audit_before
        with pytest.raises(sqlite3.IntegrityError, match=APPEND_ONLY_MESSAGE):
            con.execute("DELETE FROM audit_log")  # its guard stood throughout
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


# -- 4. a team lead's action, recorded ------------------------------------------------------------


@pytest.mark.parametrize(
    "login, role, active, refusal",
    [
        ("clin1", "clinician", True, "only a team lead can restore a backup"),
        ("peer1", "peer_support", True, "only a team lead can restore a backup"),
        ("lead2", "team_lead", False, "deactivated on the staff list"),
        ("visitor", None, True, "is not on this database's staff list"),
    ],
)
def test_only_an_active_team_lead_restores(
    db: Database,
    db_path: Path,
    repo: Repository,
    tmp_path: Path,
    login: str,
    role: str | None,
    active: bool,
    refusal: str,
) -> None:
    if role is not None:
        repo.add_staff(login, "Someone (test)", role)
        if not active:
            repo.deactivate_staff(login)
    backup = tmp_path / "backup.db"
    maintenance.backup(db, backup)
    repo.add_referral(referral_row("Newer Person (test)"))
    with pytest.raises(MaintenanceError, match=refusal):
        maintenance.restore(db, backup, zone=ZONE, force=True, actor=login)
    assert names(db_path) == ["Newer Person (test)"], "nothing changed"
    assert not list(tmp_path.glob("duty.db.before-restore-*")), "not even a copy"


@pytest.fixture
def open_folder() -> Iterator[Path]:
    """A folder anyone may write in (pytest's tmp_path is private to its owner)."""
    folder = Path(tempfile.mkdtemp(prefix="duty-desk-restore-"))
    folder.chmod(0o777)
    yield folder
    for child in folder.iterdir():
        child.unlink()
    folder.rmdir()


def test_a_login_not_on_the_staff_list_is_refused_whatever_the_file_modes(
    open_folder: Path,
) -> None:
    path = open_folder / "team.db"
    db = open_database(Config(), str(path), create=True)
    repo = Repository(db, Config(), actor="duty1")
    with timeutil.frozen(MONDAY_10):
        repo.add_staff("duty1", "Duty One (test)", "team_lead", bootstrap=True)
        repo.add_referral(referral_row("Kept Person (test)"))
    backup = open_folder / "backup.db"
    maintenance.backup(db, backup)
    with timeutil.frozen(MONDAY_10):
        repo.add_referral(referral_row("Newer Person (test)"))
    db.dispose()
    for file in open_folder.iterdir():
        file.chmod(0o666)  # anyone may read and write every file
    before = path.read_bytes()
    as_other = os.geteuid() == 0  # root: drop to nobody; otherwise this login is not staff
    proc = run_cli(
        ["--db", str(path), "restore", "--force", str(backup)],
        env(open_folder / "settings.toml"),
        as_nobody=as_other,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "is not on this database's staff list" in lines[0], proc.stderr
    assert path.read_bytes() == before
    assert not [p for p in open_folder.iterdir() if "before-restore" in p.name or p.name[0] == "."]


def test_the_restore_is_recorded_in_the_restored_audit_log(
    db: Database, db_path: Path, repo: Repository, tmp_path: Path
) -> None:
    backup = tmp_path / "backup.db"
    maintenance.backup(db, backup)
    repo.add_referral(referral_row("Newer Person (test)"))
    with closing(sqlite3.connect(db_path)) as con:
        newest = con.execute("SELECT max(id) FROM audit_log").fetchone()[0]
    done = maintenance.restore(db, backup, zone=ZONE, force=True, actor="duty1")
    actor, action, before, after = last_audit(db_path)
    assert (actor, action) == ("duty1", "restore backup")
    assert before["kept_at"] == str(done.safety_copy) and before["newest_audit_id"] == newest
    assert after == {"from": str(backup.resolve()), "forced_past": ["newer changes"]}
    history = repo.audit_for_export()
    assert [e.action for e in history][-1] == "restore backup", "the app reads it back"
    with closing(sqlite3.connect(db_path)) as con, pytest.raises(sqlite3.IntegrityError):
        con.execute("DELETE FROM audit_log")  # the guard is back after the restore


# -- 5. only a backup of this database ------------------------------------------------------------


def test_a_backup_of_another_database_is_refused_without_force(
    db: Database, db_path: Path, repo: Repository, tmp_path: Path
) -> None:
    other = team_db(tmp_path / "other-team.db")
    backup = backup_of(other, tmp_path / "other-backup.db")
    with pytest.raises(MaintenanceError, match="a backup of a different database"):
        maintenance.restore(db, backup, zone=ZONE, actor="duty1")
    assert names(db_path) == []
    maintenance.restore(db, backup, zone=ZONE, force=True, actor="duty1")
    assert names(db_path) == ["Kept Person (test)"]
    assert last_audit(db_path)[3]["forced_past"] == ["different database"]


def _forget_identity(*paths: Path) -> None:
    """As a database made before databases had an identity."""
    for path in paths:
        with closing(sqlite3.connect(path)) as con, con:
            con.execute("DELETE FROM duty_desk_meta WHERE key = ?", (DATABASE_ID,))


def test_without_an_identity_the_audit_history_decides(
    db: Database, db_path: Path, repo: Repository, tmp_path: Path
) -> None:
    repo.add_referral(referral_row("Kept Person (test)"))
    older = tmp_path / "older.db"
    maintenance.backup(db, older)
    repo.add_referral(referral_row("Newer Person (test)"))
    newer = tmp_path / "newer.db"
    maintenance.backup(db, newer)
    other = backup_of(team_db(tmp_path / "other.db"), tmp_path / "other-backup.db")
    _forget_identity(db_path, older, newer, other)
    with pytest.raises(MaintenanceError, match="does not lead to this database's"):
        maintenance.restore(db, other, zone=ZONE, actor="duty1")
    with pytest.raises(MaintenanceError, match="changes newer than this backup"):
        maintenance.restore(db, older, zone=ZONE, actor="duty1")
    maintenance.restore(db, older, zone=ZONE, force=True, actor="duty1")
    # The newer backup now holds changes the database lacks, and lacks the restore itself.
    with pytest.raises(MaintenanceError, match="does not lead to this database's"):
        maintenance.restore(db, newer, zone=ZONE, actor="duty1")
    assert names(db_path) == ["Kept Person (test)"]


def test_a_copy_of_this_database_used_elsewhere_is_refused_without_force(
    db: Database, db_path: Path, repo: Repository, tmp_path: Path
) -> None:
    copy = tmp_path / "laptop.db"
    maintenance.backup(db, copy)
    for n in range(3):  # worked on elsewhere: same identity, a history of its own
        add(copy, f"Elsewhere {n} (test)")
    repo.add_referral(referral_row("Here (test)"))
    with pytest.raises(MaintenanceError, match="does not lead to this database's"):
        maintenance.restore(db, copy, zone=ZONE, actor="duty1")
    assert names(db_path) == ["Here (test)"]


def test_a_backup_holding_all_of_this_database_restores_without_force(
    db: Database, db_path: Path, repo: Repository, tmp_path: Path
) -> None:
    repo.add_referral(referral_row("Kept Person (test)"))
    older = tmp_path / "older.db"
    maintenance.backup(db, older)
    repo.add_referral(referral_row("Newer Person (test)"))
    newer = tmp_path / "newer.db"
    maintenance.backup(db, newer)
    behind = open_database(Config(), str(older))  # a database whose history the backup holds
    try:
        maintenance.restore(behind, newer, zone=ZONE, actor="duty1")
    finally:
        behind.dispose()
    assert names(older) == ["Kept Person (test)", "Newer Person (test)"]
    maintenance.restore(db, newer, zone=ZONE, actor="duty1")  # the very same history
    # Now the database holds one change the backup lacks: the restore itself.
    with pytest.raises(MaintenanceError, match="changes newer than this backup"):
        maintenance.restore(db, newer, zone=ZONE, actor="duty1")


@pytest.mark.parametrize(
    "tamper",
    [
        "DROP TRIGGER audit_log_no_delete",
        "DROP TRIGGER audit_log_no_update",
        "DROP TRIGGER audit_log_no_delete; "
        "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT 1; END",
    ],
)
def test_a_backup_whose_audit_guard_is_gone_is_refused_even_with_force(
    db: Database, db_path: Path, repo: Repository, tmp_path: Path, tamper: str
) -> None:
    repo.add_referral(referral_row("Kept Person (test)"))
    backup = tmp_path / "backup.db"
    maintenance.backup(db, backup)
    with closing(sqlite3.connect(backup)) as con:
        con.executescript(tamper)
    for force in (False, True):
        with pytest.raises(MaintenanceError, match="cannot be restored, even with --force"):
            maintenance.restore(db, backup, zone=ZONE, force=force, actor="duty1")
    assert names(db_path) == ["Kept Person (test)"]
    assert not list(tmp_path.glob("duty.db.before-restore-*"))


def test_paths_with_hash_question_mark_and_percent_name_exactly_that_file(
    db: Database, db_path: Path, repo: Repository, tmp_path: Path
) -> None:
    repo.add_referral(referral_row("Kept Person (test)"))
    backup = tmp_path / "back#up?50%.db"
    maintenance.backup(db, tmp_path / "plain.db")
    (tmp_path / "plain.db").rename(backup)
    repo.add_referral(referral_row("Newer Person (test)"))
    done = maintenance.restore(db, backup, zone=ZONE, force=True, actor="duty1")
    assert names(db_path) == ["Kept Person (test)"]
    assert last_audit(db_path)[3]["from"] == str(backup.resolve())
    assert names(done.safety_copy) == ["Kept Person (test)", "Newer Person (test)"]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("back")) == [
        "back#up?50%.db"
    ], "no other file was opened or created"


def test_a_database_held_by_another_writer_is_one_sentence_and_unchanged(tmp_path: Path) -> None:
    path = team_db(tmp_path / "team.db")
    backup = backup_of(path, tmp_path / "backup.db")
    add(path, "Newer Person (test)")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys\n"
            f"con = sqlite3.connect({str(path)!r}, isolation_level=None)\n"
            "con.execute('BEGIN IMMEDIATE')\n"
            "print('holding', flush=True)\n"
            "sys.stdin.read()\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "duty_desk",
                "--db",
                str(path),
                "restore",
                "--force",
                str(backup),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            env=env(tmp_path / "settings.toml", busy_seconds=1),
            cwd=ROOT,
        )
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "stayed busy for more than 1 s" in lines[0], proc.stderr
    assert names(path) == ["Kept Person (test)", "Newer Person (test)"]
    assert not [p for p in tmp_path.iterdir() if "before-restore" in p.name or p.name[0] == "."]
