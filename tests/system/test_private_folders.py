"""Folders and logs as private as the files in them, whatever the umask: ``init``,
``backup`` and ``demo`` make every missing folder 0770 (owner and team group; a stricter
umask may narrow it), ``export`` makes none, ``check`` flags a database folder others can
write, and the debug log (``DUTY_DESK_DEBUG`` with ``TEXTUAL_LOG``) is 0600. Real
processes started with umask 000."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from duty_desk.folders import private_dir

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``python -m duty_desk ARGS`` in a real process under umask 000."""
    return subprocess.run(
        [sys.executable, "-m", "duty_desk", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=dict(os.environ, PYTHONPATH=str(ROOT), **env),
        cwd=ROOT,
        umask=0,
    )


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_init_backup_and_demo_make_team_folders_under_umask_000(tmp_path: Path) -> None:
    db = tmp_path / "made" / "by" / "init" / "team.db"
    proc = run("--db", str(db), "init")
    assert proc.returncode == 0, proc.stderr
    for folder in (tmp_path / "made", tmp_path / "made" / "by", db.parent):
        assert mode(folder) == 0o770, folder
    assert mode(db) & 0o007 == 0

    backup = tmp_path / "backups" / "nightly" / "team.db"
    proc = run("--db", str(db), "backup", str(backup))
    assert proc.returncode == 0, proc.stderr
    assert mode(tmp_path / "backups") == 0o770
    assert mode(backup.parent) == 0o770
    assert mode(backup) & 0o007 == 0

    demo = tmp_path / "demo" / "here" / "demo.db"
    proc = run("--db", str(demo), "demo", "--no-open")
    assert proc.returncode == 0, proc.stderr
    assert mode(tmp_path / "demo") == 0o770
    assert mode(demo.parent) == 0o770

    # export makes no folder at all: a missing one is refused
    out = tmp_path / "exports" / "referrals.csv"
    proc = run("--db", str(db), "export", "referrals", "--output", str(out))
    assert proc.returncode == 1
    assert "No such file or directory" in proc.stderr
    assert not (tmp_path / "exports").exists()


def test_a_stricter_umask_narrows_and_existing_folders_are_left_alone(tmp_path: Path) -> None:
    existing = tmp_path / "existing"
    existing.mkdir()
    existing.chmod(0o755)
    old = os.umask(0o077)
    try:
        private_dir(existing / "a" / "b")
    finally:
        os.umask(old)
    assert mode(existing) == 0o755
    assert mode(existing / "a") == 0o700
    assert mode(existing / "a" / "b") == 0o700


def test_check_flags_a_database_folder_others_can_write(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    db = folder / "team.db"
    assert run("--db", str(db), "init").returncode == 0
    proc = run("--db", str(db), "check")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "others can remove or replace" not in proc.stdout
    folder.chmod(0o777)
    proc = run("--db", str(db), "check")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = [line for line in proc.stdout.splitlines() if "others can remove or replace" in line]
    assert lines == [
        f"warning  the database's folder {folder} has mode 0777: others can remove or "
        f"replace the database (run: chmod o-w '{folder}')"
    ]


DEBUG_SESSION = """
import asyncio, sys
from duty_desk.config import Config
from duty_desk.db import open_database
from duty_desk.repository import Repository
from screens.app import create_app

cfg = Config()
db = open_database(cfg, sys.argv[1], create=True)
Repository(db, cfg, actor="duty1").add_staff("duty1", "Duty One (test)", "team_lead", bootstrap=True)
app = create_app(cfg, db, actor="duty1")

async def session():
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.log("debug log probe")

asyncio.run(session())
print("session done", flush=True)
"""


def test_the_debug_log_is_owner_only_under_umask_000(tmp_path: Path) -> None:
    for start in (None, 0o666):  # a new log, and one left world-readable before
        log = tmp_path / f"textual-{start}.log"
        if start is not None:
            log.write_text("")
            log.chmod(start)
        proc = subprocess.run(
            [sys.executable, "-c", DEBUG_SESSION, str(tmp_path / f"duty-{start}.db")],
            env=dict(os.environ, TEXTUAL_LOG=str(log), DUTY_DESK_DEBUG="1", PYTHONPATH=str(ROOT)),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            umask=0,
        )
        assert proc.returncode == 0, proc.stderr[-2000:]
        assert "session done" in proc.stdout
        assert "debug log probe" in log.read_text(encoding="utf-8")
        assert mode(log) == 0o600
