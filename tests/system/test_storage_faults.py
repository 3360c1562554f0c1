"""Storage faults: a database that is read-only, unreadable, locked past the busy timeout or
on a full disk gives one clear sentence and a non-zero exit, and nothing half-written.

Read-only and unreadable need a login without rights to the file: when the tests run as
root (who may read anything) the command's process loads duty-desk, then gives up root for
the unprivileged user ``nobody`` before it touches the database (the interpreter itself
may live where ``nobody`` cannot read). A real process either way.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import event

from duty_desk import timeutil
from duty_desk.config import Config
from duty_desk.db import open_database
from duty_desk.errors import DutyDeskError
from duty_desk.repository import Repository
from duty_desk.validation import validate_referral
from tests.system.mp_workers import referral_row
from tests.system.other_login import ROOT, cli_env, run_cli, shared_folder


def _run(args: list[str], env: dict[str, str], as_other: bool) -> subprocess.CompletedProcess[str]:
    return run_cli(args, env, as_nobody=as_other)


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    with shared_folder("duty-desk-faults-", 0o755) as folder:
        yield folder


@pytest.fixture
def env(shared_dir: Path) -> dict[str, str]:
    return cli_env(shared_dir, busy_timeout_seconds=1)


def _team_db(path: Path) -> Path:
    db = open_database(Config(), str(path), create=True)
    repo = Repository(db, Config(), actor="duty1")
    repo.add_staff("duty1", "Duty One (test)", "team_lead", bootstrap=True)
    repo.add_referral(referral_row("Kept Person (test)"))
    db.dispose()
    with closing(sqlite3.connect(path)) as con:  # fold the WAL back: one file to protect
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def _one_sentence(stderr: str, fragment: str) -> None:
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("duty-desk: "), stderr
    assert fragment in lines[0], stderr


@pytest.mark.parametrize("mode, fragment", [(0o644, "read-only"), (0o600, "cannot open")])
def test_read_only_or_unreadable_database(
    shared_dir: Path, env: dict[str, str], mode: int, fragment: str
) -> None:
    path = _team_db(shared_dir / "team.db")
    as_other = os.geteuid() == 0
    path.chmod(mode)
    before = path.read_bytes()
    proc = _run(["--db", str(path), "staff", "list"], env, as_other)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    _one_sentence(proc.stderr, fragment)
    assert path.read_bytes() == before, "the file is as it was"


def test_locked_past_the_busy_timeout(shared_dir: Path, env: dict[str, str]) -> None:
    path = _team_db(shared_dir / "team.db")
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
        proc = _run(["--db", str(path), "staff", "deactivate", "duty1"], env, as_other=False)
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)
    assert proc.returncode == 1
    _one_sentence(proc.stderr, "stayed busy for more than 1 s")


def test_a_full_disk_is_one_sentence_and_saves_nothing(tmp_path: Path) -> None:
    path = _team_db(tmp_path / "team.db")
    db = open_database(Config(), str(path))

    @event.listens_for(db.engine, "connect")
    def _small_disk(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        # SQLite's own limit on the file's size: the same SQLITE_FULL a full disk gives.
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    db.engine.dispose()  # new connections get the limit
    repo = Repository(db, Config(), actor="duty1")
    with pytest.raises(DutyDeskError, match="the disk is full"):
        repo.add_referrals(
            [  # big enough to need new pages
                validate_referral(referral_row(f"Person {n} (test)"), Config(), timeutil.now())
                for n in range(300)
            ]
        )
    db.dispose()
    with closing(sqlite3.connect(path)) as con:
        assert con.execute("SELECT name FROM referral").fetchall() == [("Kept Person (test)",)]
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


# -- a full disk on the backup's side -------------------------------------------------------

# The backup's target connection gets SQLite's own size limit (the same SQLITE_FULL a full
# disk gives) before the real CLI runs: the copy is written under ".NAME.PID.partial".
FULL_TARGET = """
import sqlite3, sys
from duty_desk import cli, maintenance
real_connect = maintenance._connect

def small_target(path, *, readonly=False):
    con = real_connect(path, readonly=readonly)
    if str(path).endswith(".partial"):
        con.execute("PRAGMA max_page_count = 2")
    return con

maintenance._connect = small_target
sys.argv = ["duty-desk", *sys.argv[1:]]
cli.main()
"""


def _no_copy_left(folder: Path, name: str) -> None:
    assert not (folder / name).exists()
    assert not [p.name for p in folder.iterdir() if p.name.startswith(f".{name}")]


def test_a_full_disk_during_backup_is_one_sentence_and_leaves_no_file(tmp_path: Path) -> None:
    path = _team_db(tmp_path / "team.db")
    before = path.read_bytes()
    target = tmp_path / "backups"
    proc = subprocess.run(
        [sys.executable, "-c", FULL_TARGET, "--db", str(path), "backup", str(target / "b.db")],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        cwd=ROOT,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    _one_sentence(proc.stderr, "the disk is full; nothing was written")
    assert "internal error" not in proc.stderr
    _no_copy_left(target, "b.db")
    assert path.read_bytes() == before


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_FSIZE and SIGXFSZ as on Linux")
def test_a_backup_the_system_refuses_to_grow_is_one_sentence(tmp_path: Path) -> None:
    """The operating system refusing the write itself (a file size limit: EFBIG, as a
    quota or a failing disk would): one sentence, exit 1, no partial file."""
    import resource
    import signal

    path = _team_db(tmp_path / "team.db")
    size = path.stat().st_size
    limit = max(size // 2, 40_000)  # room for the database's own -shm (32 KiB), not the copy
    assert limit < size, "the test database is big enough to hit the limit"

    def small_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of being killed
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    proc = subprocess.run(
        [sys.executable, "-m", "duty_desk", "--db", str(path), "backup", str(tmp_path / "b.db")],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        cwd=ROOT,
        preexec_fn=small_files,  # the child alone gets the limit
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    _one_sentence(proc.stderr, "could not be written (full or failing); nothing was written")
    _no_copy_left(tmp_path, "b.db")
