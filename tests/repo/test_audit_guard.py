"""The audit log is append-only in the database itself: triggers refuse UPDATE and DELETE,
whoever connects (here: the plain sqlite3 module, as a script or the shell would)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from duty_desk.models import APPEND_ONLY_MESSAGE
from duty_desk.repository import Repository


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def test_audit_rows_cannot_be_changed(repo: Repository, db_path: Path) -> None:
    repo.add_staff("duty2", "Second Worker (test)", "clinician")
    con = _connect(db_path)
    before = con.execute("SELECT id, actor, action FROM audit_log ORDER BY id").fetchall()
    assert before, "adding staff writes audit entries"
    with pytest.raises(sqlite3.IntegrityError, match=APPEND_ONLY_MESSAGE):
        con.execute("UPDATE audit_log SET actor = 'someone-else'")
    with pytest.raises(sqlite3.IntegrityError, match=APPEND_ONLY_MESSAGE):
        con.execute("DELETE FROM audit_log WHERE id = ?", (before[0][0],))
    assert con.execute("SELECT id, actor, action FROM audit_log ORDER BY id").fetchall() == before
    con.close()


def test_appending_still_works(repo: Repository, db_path: Path) -> None:
    con = _connect(db_path)
    count = con.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    con.close()
    repo.add_staff("duty3", "Third Worker (test)", "clinician")
    con = _connect(db_path)
    assert con.execute("SELECT count(*) FROM audit_log").fetchone()[0] == count + 1
    names = {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type='trigger'")}
    con.close()
    assert {"audit_log_no_update", "audit_log_no_delete"} <= names
