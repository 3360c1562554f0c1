"""A throwaway PostgreSQL server for the tests that ask for one (``pg_url`` fixture).

Uses the PostgreSQL server programs on the machine (``initdb``, ``pg_ctl``) when they are
there, and skips those tests when they are not, or when psycopg is not installed. The
server listens on a Unix socket in its own temporary folder only, trusts local
connections, and is stopped and removed afterwards. Run as root, it runs as the
``postgres`` user (PostgreSQL refuses to run as root).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from duty_desk.config import Config
from duty_desk.db import Database, open_database


def _programs() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(os.path.realpath(found)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(candidates[-1]).parent if candidates else None


def _run(args: list[str], user: str | None) -> None:
    command = ["runuser", "-u", user, "--", *args] if user else args
    subprocess.run(command, check=True, capture_output=True, timeout=120)


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install .[postgres])")
    bin_dir = _programs()
    if bin_dir is None:
        pytest.skip("no PostgreSQL server programs on this machine")
    user = None
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no 'postgres' user to run the server")
        user = "postgres"
    folder = Path(tempfile.mkdtemp(prefix="duty-desk-pg-"))
    data, sock = folder / "data", folder / "sock"
    sock.mkdir()
    if user:
        shutil.chown(folder, user)
        shutil.chown(sock, user)
        folder.chmod(0o755)
    port = str(55000 + os.getpid() % 5000)
    _run(
        [
            str(bin_dir / "initdb"),
            "-D",
            str(data),
            "-A",
            "trust",
            "-U",
            "duty",
            "--no-sync",
            "-E",
            "UTF8",
        ],
        user,
    )
    _run(
        [
            str(bin_dir / "pg_ctl"),
            "-D",
            str(data),
            "-w",
            "-l",
            str(folder / "log"),
            "-o",
            f"-p {port} -k {sock} -c listen_addresses='' -c fsync=off",
            "start",
        ],
        user,
    )
    try:
        _run(
            [str(bin_dir / "createdb"), "-h", str(sock), "-p", port, "-U", "duty", "dutydesk"], user
        )
        yield f"postgresql+psycopg://duty@/dutydesk?host={sock}&port={port}"
    finally:
        _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], user)
        shutil.rmtree(folder, ignore_errors=True)


def fresh_database(url: str) -> Database:
    """An empty duty-desk database on the throwaway server (the schema dropped and made
    again, so each test starts clean)."""
    engine_db = open_database(Config(), url, check=False)
    with engine_db.engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    engine_db.dispose()
    return open_database(Config(), url, create=True)


@pytest.fixture
def pg(pg_url: str) -> Iterator[Database]:
    """A fresh, empty duty-desk database on the server."""
    db = fresh_database(pg_url)
    yield db
    db.dispose()


# What the revisions after 0004 add, undone, so a test can make a file as an older revision
# left it on PostgreSQL (each revision adds its own statements here).
UNDO_AFTER_0004 = (
    # 0005, decisions
    "ALTER TABLE referral DROP COLUMN order_reason, DROP COLUMN reversed_at, "
    "DROP COLUMN reversed_by, DROP COLUMN reversal_reason",
    "ALTER TABLE meeting DROP COLUMN late_reason",
    # 0006, details
    "DROP INDEX ix_referral_received_at",
    "ALTER TABLE referral DROP COLUMN address, DROP COLUMN postcode, DROP COLUMN referrer_name, "
    "DROP COLUMN referrer_contact, DROP COLUMN language, DROP COLUMN interpreter",
    # 0007, handover
    "DROP TABLE handover_note, duty_rota, ooh_handover",
    # 0008, cover
    "DROP TABLE absence_decision",
    "ALTER TABLE absence DROP COLUMN starts_time, DROP COLUMN ends_time",
    "ALTER TABLE meeting_staff DROP COLUMN cover, DROP COLUMN cover_for_id, "
    "DROP COLUMN arranged_by",
    # 0009, record (issue 12)
    "ALTER TABLE staff DROP COLUMN phone",
    # 0010, issue 12 (network)
    "ALTER TABLE network_member DROP COLUMN takes_part, DROP COLUMN consent, "
    "DROP COLUMN consent_at, DROP COLUMN consent_by, DROP COLUMN removed_at, "
    "DROP COLUMN removed_by, DROP COLUMN removed_reason",
    # 0011, the meeting record (issue 12, meeting)
    "DROP TABLE meeting_note, meeting_outcome_change",
    "ALTER TABLE meeting DROP COLUMN follow_up",
    # 0012, crisis plan and risk summary (issue 12, safety)
    "DROP TABLE crisis_plan, risk_summary",
    "DELETE FROM duty_desk_meta WHERE key = 'crisis_plans_since'",
    # 0013, safeguarding (issue 12, guard)
    "DROP TABLE safeguarding_flag",
    # 0014, admissions (issue 12, docs)
    "DROP TABLE admission",
    # 0015, DIALOG
    "DROP TABLE dialog_action_review, dialog_action, dialog_topic, dialog_answer, dialog_rating",
    # 0016, the Friends and Family Test (issue 14, fft)
    "DROP TABLE satisfaction_answer",
)


def undo_after_0004(connection: Any) -> None:
    """Take out of a new PostgreSQL database what the revisions after 0004 added."""
    for statement in UNDO_AFTER_0004:
        connection.exec_driver_sql(statement)
