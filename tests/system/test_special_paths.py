"""A database path is exactly that file, whatever is in its name, and looking at a file
never writes to it.

- A folder and file named with ``#``, ``?``, ``%`` (``%41`` would read as "A" in an
  unquoted ``file:`` URI) and a space: init, check, backup, restore, export and the app's
  repository (with its change feed) touch only that file and the files asked for.
- ``check`` (and export, backup) on an empty file, or on an SQLite file holding no
  tables: the bytes, size and time are unchanged and no -wal/-shm/-journal appears.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from duty_desk.config import Config
from duty_desk.db import open_database, resolve_url
from duty_desk.identity import os_login
from duty_desk.repository import Repository

ROOT = Path(__file__).resolve().parents[2]
ODD = "we#i?rd %41 x"


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "duty_desk", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        cwd=cwd,
    )


def tree(root: Path) -> set[Path]:
    return {path for path in root.rglob("*")}


def sqlite_side_files(path: Path) -> set[Path]:
    return {path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal")}


def test_odd_characters_name_exactly_that_file_everywhere(tmp_path: Path) -> None:
    folder = tmp_path / f"team {ODD}"
    db = folder / f"duty {ODD}.db"
    work = tmp_path / "cwd"
    work.mkdir()
    assert resolve_url(str(db), Config()).database == str(db)

    before = tree(tmp_path)
    proc = run("--db", db, "init", cwd=work)
    assert proc.returncode == 0, proc.stderr
    assert str(db) in proc.stdout
    allowed = {folder, db, *sqlite_side_files(db)}
    assert tree(tmp_path) - before <= allowed
    assert db.stat().st_size > 0

    proc = run("--db", db, "check", cwd=work)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "integrity check: ok" in proc.stdout
    assert tree(tmp_path) - before <= allowed

    backup = tmp_path / f"backup {ODD}.db"
    proc = run("--db", db, "backup", backup, cwd=work)
    assert proc.returncode == 0, proc.stderr
    allowed |= {backup}
    assert tree(tmp_path) - before <= allowed
    with closing(sqlite3.connect(backup)) as con:
        assert con.execute("SELECT value FROM duty_desk_meta WHERE key = 'app'").fetchone() == (
            "duty-desk",
        )

    out = tmp_path / f"out {ODD}.csv"
    proc = run("--db", db, "export", "referrals", "-o", out, cwd=work)
    assert proc.returncode == 0, proc.stderr
    allowed |= {out}
    assert tree(tmp_path) - before <= allowed

    proc = run("--db", db, "restore", backup, cwd=work)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    safety = {p for p in tree(tmp_path) - before - allowed if p.parent == folder}
    assert all("before-restore" in p.name for p in safety), safety
    allowed |= safety
    assert tree(tmp_path) - before <= allowed

    # The app's repository and its change feed, in this process.
    database = open_database(Config(), str(db))
    try:
        assert database.sqlite_path == db
        repo = Repository(database, Config(), actor=os_login())
        assert [s.login for s in repo.list_staff(include_inactive=True)] == [os_login()]
        feed = database.watcher()
        try:
            feed.changed()
        finally:
            feed.close()
    finally:
        database.dispose()
    assert tree(tmp_path) - before <= allowed
    assert not list(work.iterdir())


def _empty_sqlite(path: Path) -> None:
    """An SQLite file with a header and no tables (somebody else's, or a fresh one)."""
    with closing(sqlite3.connect(path)) as con:
        con.execute("PRAGMA user_version = 7")
        con.commit()


@pytest.mark.parametrize("kind", ["zero bytes", "sqlite without tables"])
@pytest.mark.parametrize(
    "command", [("check",), ("export", "referrals"), ("backup", "b.db"), ("staff", "list")]
)
def test_looking_at_a_file_that_is_not_ours_never_writes(
    tmp_path: Path, kind: str, command: tuple[str, ...]
) -> None:
    folder = tmp_path / f"odd {ODD}"
    folder.mkdir()
    path = folder / f"empty {ODD}.db"
    if kind == "zero bytes":
        path.touch()
    else:
        _empty_sqlite(path)
    os.utime(path, (1_000_000_000, 1_000_000_000))
    before = (path.read_bytes(), path.stat().st_size, path.stat().st_mtime_ns)
    files = tree(tmp_path)
    proc = run("--db", path, *command, cwd=folder)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "is not a duty-desk database" in proc.stderr
    assert (path.read_bytes(), path.stat().st_size, path.stat().st_mtime_ns) == before
    assert tree(tmp_path) == files
    assert not any(p.exists() for p in sqlite_side_files(path))


def test_init_still_makes_a_wal_database_of_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "team.db"
    path.touch()
    proc = run("--db", path, "init", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    with closing(sqlite3.connect(path)) as con:
        assert con.execute("PRAGMA journal_mode").fetchone() == ("wal",)
