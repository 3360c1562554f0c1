"""The last team lead through the real command line, and how a team with no team lead left
recovers: ``duty-desk staff add LOGIN NAME --role team_lead --bootstrap``, run by the owner
of the database file or root, refused to any other login (a real other login, ``nobody``,
when the tests run as root), and recorded in the audit log."""

from __future__ import annotations

import os
import pwd
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from duty_desk.config import Config
from duty_desk.db import open_database
from duty_desk.identity import os_login
from duty_desk.repository import Repository
from tests.system.other_login import cli_env, run_cli, shared_folder

ME = os_login()


def run(
    args: list[str], env: dict[str, str], as_nobody: bool = False
) -> subprocess.CompletedProcess[str]:
    return run_cli(args, env, as_nobody)


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder another login can write in."""
    with shared_folder("duty-desk-recovery-", 0o777) as folder:
        yield folder


@pytest.fixture
def env(shared_dir: Path) -> dict[str, str]:
    return cli_env(shared_dir, busy_timeout_seconds=5)


def team(path: Path, lead: str) -> Path:
    db = open_database(Config(), str(path), create=True)
    repo = Repository(db, Config(), actor=lead)
    repo.add_staff(lead, "Lead One (test)", "team_lead", bootstrap=True)
    repo.add_staff("clin1", "Clinician One (test)", "clinician")
    db.dispose()
    return path


def sql(path: Path, statement: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(path)) as conn, conn:
        return conn.execute(statement).fetchall()


def one_sentence(stderr: str, *fragments: str) -> None:
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("duty-desk: "), stderr
    for fragment in fragments:
        assert fragment in lines[0], stderr


def test_the_last_team_lead_cannot_deactivate_themselves(
    tmp_path: Path, env: dict[str, str]
) -> None:
    path = team(tmp_path / "team.db", ME)
    before = sql(path, "SELECT count(*) FROM audit_log")
    result = run(["--db", str(path), "staff", "deactivate", ME], env)
    assert result.returncode == 1
    one_sentence(result.stderr, "You are the last active team lead", "nothing was changed")
    assert sql(path, "SELECT count(*) FROM audit_log") == before
    assert sql(path, f"SELECT active FROM staff WHERE login = '{ME}'") == [(1,)]
    # With a second team lead, the first may go.
    assert (
        run(
            ["--db", str(path), "staff", "add", "lead2", "Lead Two (test)", "--role", "team_lead"],
            env,
        ).returncode
        == 0
    )
    result = run(["--db", str(path), "staff", "deactivate", ME], env)
    assert result.returncode == 0, result.stderr
    assert sql(path, f"SELECT active FROM staff WHERE login = '{ME}'") == [(0,)]


def test_bootstrap_is_refused_while_a_team_lead_is_active(
    tmp_path: Path, env: dict[str, str]
) -> None:
    path = team(tmp_path / "team.db", "lead1")
    before = sql(path, "SELECT count(*) FROM audit_log")
    result = run(
        ["--db", str(path), "staff", "add", ME, "Me (test)", "--role", "team_lead", "--bootstrap"],
        env,
    )
    assert result.returncode == 1
    one_sentence(result.stderr, "not on the staff list")
    assert sql(path, "SELECT count(*) FROM audit_log") == before


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to act as another login")
def test_a_team_with_no_team_lead_recovers_by_the_file_owner_or_root(
    shared_dir: Path, env: dict[str, str]
) -> None:
    path = team(shared_dir / "team.db", "lead1")
    # Every team lead has left: their record was deactivated (here behind the app's back).
    sql(path, "UPDATE staff SET active = 0 WHERE login = 'lead1'")
    sql(path, "PRAGMA wal_checkpoint(TRUNCATE)")
    for file in shared_dir.glob("team.db*"):
        file.chmod(0o666)  # the group (here everyone) may write, as a team's file is shared
    add = ["--db", str(path), "staff", "add"]
    result = run(["--db", str(path), "init"], env)  # init points the way, changes nothing
    assert result.returncode == 1
    one_sentence(result.stderr, "no team lead is left", "--role team_lead --bootstrap")

    # Another login that can write the file may not name itself team lead.
    result = run(
        [*add, "nobody", "Nobody (test)", "--role", "team_lead", "--bootstrap"], env, as_nobody=True
    )
    assert result.returncode == 1
    one_sentence(
        result.stderr, "no active team lead", f"owner of {path} (root) or root", "--bootstrap"
    )
    assert sql(path, "SELECT count(*) FROM staff WHERE role = 'team_lead' AND active") == [(0,)]

    # root (here also the file's owner) may; the audit log says who did it.
    result = run([*add, "lead2", "Lead Two (test)", "--role", "team_lead", "--bootstrap"], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Added lead2 (Lead Two (test)) as team lead.\n"
    assert sql(path, "SELECT actor, action FROM audit_log ORDER BY id DESC LIMIT 1") == [
        ("root", "bootstrap team lead")
    ]

    # The file's owner may too: give the file to nobody and lose the team lead again.
    sql(path, "UPDATE staff SET active = 0 WHERE login = 'lead2'")
    nobody = pwd.getpwnam("nobody")
    os.chown(path, nobody.pw_uid, nobody.pw_gid)
    result = run(
        [*add, "clin1", "Ignored (test)", "--role", "team_lead", "--bootstrap"], env, as_nobody=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "clin1 (Clinician One (test)) is now an active team lead.\n"
    assert sql(
        path, "SELECT actor, action, before, after FROM audit_log ORDER BY id DESC LIMIT 1"
    ) == [("nobody", "bootstrap team lead", '{"role": "clinician"}', '{"role": "team_lead"}')]
