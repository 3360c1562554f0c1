"""A duty-desk process killed with SIGKILL in the middle of writing leaves no partial record.

A real child process writes referrals one by one and in large batches (a CSV import is one
batch: all rows or none), printing after each commit. The test kills it at a moment of its
choosing (mid-batch, or between single writes), then checks the file: integrity ok, every
commit it was told about is there with its audit entry, a batch is all there or not at all,
and the database takes new writes straight away.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from duty_desk.config import Config
from duty_desk.db import open_database
from duty_desk.repository import Repository
from tests.system.mp_workers import referral_row

pytestmark = [pytest.mark.slow, pytest.mark.skipif(os.name != "posix", reason="needs SIGKILL")]

BATCH = 400

WRITER = """
import sys
sys.path.insert(0, {root!r})
from duty_desk.config import Config
from duty_desk.db import open_database
from duty_desk.repository import Repository
from duty_desk.validation import validate_referral
from duty_desk import timeutil
from tests.system.mp_workers import referral_row
db = open_database(Config(), {path!r})
repo = Repository(db, Config(), actor="duty1")
batch = [validate_referral(referral_row(f"Batch {{n}} (test)"), Config(), timeutil.now()) for n in range({batch})]
print("ready", flush=True)
for round in range(1000):
    new_id = repo.add_referral(referral_row(f"Single {{round}} (test)"))
    print(f"single {{new_id}}", flush=True)
    print("batch starting", flush=True)
    ids = repo.add_referrals(batch)
    print(f"batch done {{ids[0]}} {{ids[-1]}}", flush=True)
"""


def _state(path: Path) -> tuple[str, list[tuple[int, str]], int]:
    with closing(sqlite3.connect(path)) as con:
        check = con.execute("PRAGMA integrity_check").fetchone()[0]
        rows = con.execute("SELECT id, name FROM referral ORDER BY id").fetchall()
        audited = con.execute(
            "SELECT count(*) FROM audit_log WHERE action = 'add referral'"
        ).fetchone()[0]
    return check, rows, audited


@pytest.mark.parametrize("kill_at", ["batch starting", "single"])
def test_sigkill_mid_write_leaves_no_partial_record(tmp_path: Path, kill_at: str) -> None:
    path = tmp_path / "duty.db"
    db = open_database(Config(), str(path), create=True)
    Repository(db, Config(), actor="duty1").add_staff(
        "duty1", "Duty One (test)", "clinician", bootstrap=True
    )
    db.dispose()
    root = str(Path(__file__).resolve().parents[2])
    script = WRITER.format(root=root, path=str(path), batch=BATCH)
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    told: list[str] = []
    seen_kill_point = 0
    for line in child.stdout:
        told.append(line.strip())
        if line.startswith(kill_at):
            seen_kill_point += 1
            if seen_kill_point == 3:  # a few commits in, then kill mid-way
                child.send_signal(signal.SIGKILL)
                break
    child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL

    check, rows, audited = _state(path)
    assert check == "ok"
    ids = {row[0] for row in rows}
    assert len(rows) == audited, "every referral has its audit entry, and no entry lacks one"
    committed_singles = [int(t.split()[1]) for t in told if t.startswith("single ")]
    assert set(committed_singles) <= ids, "every commit the writer reported survived"
    batches = [t for t in told if t.startswith("batch done")]
    batch_rows = [row for row in rows if row[1].startswith("Batch ")]
    assert len(batch_rows) % BATCH == 0, "a batch is all there or not at all"
    assert len(batch_rows) // BATCH in (len(batches), len(batches) + 1)

    db = open_database(Config(), str(path))  # no stale lock: writes straight away
    try:
        new_id = Repository(db, Config(), actor="duty1").add_referral(referral_row("After (test)"))
        assert new_id > max(ids)
    finally:
        db.dispose()
