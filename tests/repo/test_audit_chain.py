"""The audit log's hash chain on real SQLite files: it verifies after every kind of write
(the repository, the demo, six processes at once), and ``duty-desk check`` names the row
when someone with the plain sqlite3 module drops the triggers and changes, deletes or
forges a row; restore refuses such a file even with --force."""

from __future__ import annotations

import multiprocessing
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from duty_desk import audit_chain, maintenance, timeutil
from duty_desk.audit_chain import ChainProblem, TriggerProblem
from duty_desk.cli import cli
from duty_desk.config import Config
from duty_desk.db import Database, open_database
from duty_desk.demo import build_demo
from duty_desk.models import AUDIT_TRIGGERS_SQLITE
from duty_desk.repository import Repository
from tests.conftest import MONDAY_10
from tests.system import mp_workers
from tests.system.test_concurrency import fresh_database, run

# No settings or database from the machine running the tests (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("isolated_env")

CTX = multiprocessing.get_context("spawn")
DROP_TRIGGERS = ("DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete")


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def raw(path: Path) -> sqlite3.Connection:
    """The plain sqlite3 module, as a script or the sqlite3 shell would connect."""
    return sqlite3.connect(path, isolation_level=None)


def problems(path: Path) -> tuple[list[ChainProblem], list[TriggerProblem]]:
    with closing(raw(path)) as con:
        return audit_chain.chain_problems(con), audit_chain.trigger_problems(con)


def audit_ids(path: Path) -> list[int]:
    with closing(raw(path)) as con:
        return [row[0] for row in con.execute("SELECT id FROM audit_log ORDER BY id")]


def tamper(path: Path, *statements: str, triggers_back: bool = True) -> None:
    """Drop the append-only triggers, run ``statements``, and (by default) put the
    triggers back exactly as duty-desk made them, so only the chain can tell."""
    with closing(raw(path)) as con:
        for statement in (*DROP_TRIGGERS, *statements):
            con.execute(statement)
        if triggers_back:
            for statement in AUDIT_TRIGGERS_SQLITE:
                con.execute(statement)


def files_in(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir() if not p.name.endswith(("-wal", "-shm", "-journal"))}


@pytest.fixture
def busy(repo: Repository, make_referral: Callable[..., int]) -> Repository:
    """A database after a run of ordinary writes: referrals added, claimed, accepted,
    edited, staff added and changed."""
    with timeutil.frozen(MONDAY_10):
        ids = [make_referral(name=f"Person {n} (test)") for n in range(6)]
        repo.add_staff("peer1", "Peer One (test)", "peer_support")
        repo.set_capacity("peer1", 7)
        for referral_id in ids[:3]:
            repo.claim(referral_id)
            repo.accept(referral_id)
        repo.deactivate_staff("peer1")
    return repo


# -- it verifies -------------------------------------------------------------------------------


def test_a_fresh_database_verifies(tmp_path: Path) -> None:
    path = tmp_path / "fresh.db"
    assert invoke("--db", str(path), "init").exit_code == 0
    assert problems(path) == ([], [])
    result = invoke("--db", str(path), "check")
    assert result.exit_code == 0, result.output
    assert "hash chain verifies end to end" in result.output


def test_ordinary_writes_keep_the_chain(busy: Repository, db_path: Path) -> None:
    assert len(audit_ids(db_path)) > 15
    assert problems(db_path) == ([], [])
    report = maintenance.check(busy.db, Config())
    assert report.ok, report.problems
    # Each row's hash is the one its fields and the row before give, first row from GENESIS.
    with closing(raw(db_path)) as con:
        first = con.execute(
            "SELECT id, at, actor, action, entity, entity_id, before, after, hash "
            "FROM audit_log ORDER BY id LIMIT 1"
        ).fetchone()
    row = dict(zip((*audit_chain.FIELDS, "hash"), first, strict=True))
    assert row["hash"] == audit_chain.link(audit_chain.GENESIS, row)


def test_the_canonical_form_is_the_same_whatever_reads_the_row(
    busy: Repository, db: Database, db_path: Path
) -> None:
    """Through SQLAlchemy (as PostgreSQL is read) and through sqlite3: the same bytes."""
    with db.engine.connect() as connection:
        assert audit_chain.chain_problems(connection) == []
    row = {
        "id": 7,
        "at": timeutil.as_utc(MONDAY_10),
        "actor": "duty1",
        "action": "edit",
        "entity": "referral",
        "entity_id": 3,
        "before": '{"b": 1, "a": "\u00e9"}',
        "after": None,
    }
    text_at = {**row, "at": "2026-11-23 10:00:00.000000", "before": '{"a":"\u00e9","b":1}'}
    assert audit_chain.canonical(row) == audit_chain.canonical(text_at)
    assert audit_chain.canonical({**row, "actor": "duty2"}) != audit_chain.canonical(row)


def test_six_processes_writing_at_once_keep_one_chain(tmp_path: Path) -> None:
    workers, each = 6, 15
    path = tmp_path / "busy.db"
    logins = [f"writer{n}" for n in range(workers)]
    fresh_database(path, logins).db.dispose()
    barrier, results = CTX.Barrier(workers), CTX.Queue()
    reports = run(
        mp_workers.add_referrals,
        [(str(path), login, timeutil.as_utc(MONDAY_10), each) for login in logins],
        barrier,
        results,
        expected=workers,
    )
    assert [error for _login, _added, errors in reports for error in errors] == []
    ids = audit_ids(path)
    assert len(ids) == workers + workers * each  # the staff, then every referral
    assert problems(path) == ([], [])


def test_maintenance_on_the_file_appends_to_the_same_chain(busy: Repository, db_path: Path) -> None:
    """A plain sqlite3 connection (as restore uses) in a writing transaction: the rows
    follow the chain, and the app reads them back as it wrote its own."""
    with closing(raw(db_path)) as con:
        con.execute("BEGIN IMMEDIATE")
        audit_chain.append(
            con,
            [
                {
                    "at": timeutil.as_utc(MONDAY_10),
                    "actor": "duty1",
                    "action": "restore",
                    "entity": "database",
                    "entity_id": 0,
                    "before": '{"file": "x.db"}',
                    "after": None,
                }
            ],
        )
        con.execute("COMMIT")
    assert problems(db_path) == ([], [])
    busy.add_staff("duty2", "Duty Two (test)", "clinician")  # the app's next row links on
    assert problems(db_path) == ([], [])
    with busy.db.engine.connect() as connection:
        at = connection.exec_driver_sql(
            "SELECT at FROM audit_log WHERE action = 'restore'"
        ).scalar_one()
    assert at == "2026-11-23 10:00:00.000000", "stored as SQLAlchemy stores instants"


def test_the_upgrade_writes_the_chain_in_batches(
    busy: Repository, db: Database, db_path: Path
) -> None:
    with db.engine.begin() as connection:
        for statement in DROP_TRIGGERS:
            connection.exec_driver_sql(statement)
        connection.exec_driver_sql("UPDATE audit_log SET hash = 'x'")
        written = audit_chain.backfill(connection, batch=4)
        for statement in AUDIT_TRIGGERS_SQLITE:
            connection.exec_driver_sql(statement)
    assert written == len(audit_ids(db_path)) > 4
    assert problems(db_path) == ([], [])


def test_the_demo_database_verifies(tmp_path: Path) -> None:
    config = Config()
    db = open_database(config, str(tmp_path / "demo.db"), create=True)
    try:
        build_demo(db, config, MONDAY_10)
        report = maintenance.check(db, config)
        assert "audit log: triggers in place, hash chain verifies end to end" in report.passed
        assert not [line for line in report.problems if "audit" in line]
    finally:
        db.dispose()
    assert problems(tmp_path / "demo.db") == ([], [])


# -- tampering is detected -------------------------------------------------------------------------


def test_a_changed_row_is_named_by_check(busy: Repository, db_path: Path) -> None:
    ids = audit_ids(db_path)
    target = ids[len(ids) // 2]
    tamper(
        db_path, f'UPDATE audit_log SET after = \'{{"status": "declined"}}\' WHERE id = {target}'
    )
    assert problems(db_path) == ([ChainProblem(target, "changed")], [])
    result = invoke("--db", str(db_path), "check")
    assert result.exit_code == 1
    chain_lines = [line for line in result.output.splitlines() if "hash chain" in line]
    assert len(chain_lines) == 1 and chain_lines[0].startswith("PROBLEM")
    assert f"ids {target} (changed)" in chain_lines[0]


def test_a_changed_row_with_the_triggers_left_off_reports_both(
    busy: Repository, db_path: Path
) -> None:
    target = audit_ids(db_path)[3]
    tamper(
        db_path, f"UPDATE audit_log SET actor = 'someone' WHERE id = {target}", triggers_back=False
    )
    chain, triggers = problems(db_path)
    assert chain == [ChainProblem(target, "changed")]
    assert triggers == [
        TriggerProblem("audit_log_no_update", "missing"),
        TriggerProblem("audit_log_no_delete", "missing"),
    ]
    result = invoke("--db", str(db_path), "check")
    assert result.exit_code == 1
    problem_lines = [line for line in result.output.splitlines() if line.startswith("PROBLEM")]
    assert len(problem_lines) == 2
    assert "audit_log_no_update (missing), audit_log_no_delete (missing)" in problem_lines[0]
    assert f"ids {target} (changed)" in problem_lines[1]


def test_a_deleted_middle_row_is_reported_at_the_row_after_it(
    busy: Repository, db_path: Path
) -> None:
    ids = audit_ids(db_path)
    gone, after = ids[5], ids[6]
    tamper(db_path, f"DELETE FROM audit_log WHERE id = {gone}")
    assert problems(db_path) == ([ChainProblem(after, "gap")], [])
    result = invoke("--db", str(db_path), "check")
    assert result.exit_code == 1
    assert f"ids {after} (rows deleted before it)" in result.output


def test_the_first_rows_deleted_are_reported(busy: Repository, db_path: Path) -> None:
    ids = audit_ids(db_path)
    tamper(db_path, f"DELETE FROM audit_log WHERE id IN ({ids[0]}, {ids[1]})")
    assert problems(db_path) == ([ChainProblem(ids[2], "gap")], [])


def test_a_forged_row_is_reported(busy: Repository, db_path: Path) -> None:
    """Appended by hand with a made-up hash (or none): the triggers allow INSERT."""
    with closing(raw(db_path)) as con:
        con.execute(
            "INSERT INTO audit_log (at, actor, action, entity, entity_id, before, after, hash) "
            "VALUES ('2026-11-23 11:00:00.000000', 'duty1', 'accept', 'referral', 1, NULL, "
            "NULL, 'forged')"
        )
    forged = audit_ids(db_path)[-1]
    assert problems(db_path) == ([ChainProblem(forged, "changed")], [])
    busy.add_staff("duty2", "Duty Two (test)", "clinician")  # later rows still link on
    assert problems(db_path) == ([ChainProblem(forged, "changed")], [])


def test_a_dropped_trigger_alone_is_reported(busy: Repository, db_path: Path) -> None:
    with closing(raw(db_path)) as con:
        con.execute("DROP TRIGGER audit_log_no_delete")
    assert problems(db_path) == ([], [TriggerProblem("audit_log_no_delete", "missing")])
    result = invoke("--db", str(db_path), "check")
    assert result.exit_code == 1
    assert "audit log triggers are not as duty-desk made them: audit_log_no_delete (missing)" in (
        result.output
    )


def test_a_trigger_that_no_longer_refuses_is_reported(busy: Repository, db_path: Path) -> None:
    with closing(raw(db_path)) as con:
        con.execute("DROP TRIGGER audit_log_no_update")
        con.execute(
            "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT 1; END"
        )
    assert problems(db_path) == ([], [TriggerProblem("audit_log_no_update", "altered")])


# -- restore refuses such a file, even with --force (the cases: tests/core/test_bad_input_catalogue.py)


def test_restore_takes_an_untouched_backup(busy: Repository, db_path: Path, tmp_path: Path) -> None:
    from duty_desk.identity import os_login

    busy.add_staff(os_login(), "Restoring Lead (test)", "team_lead")  # restore is a lead's
    copy = tmp_path / "backup.db"
    assert invoke("--db", str(db_path), "backup", str(copy)).exit_code == 0
    result = invoke("--db", str(db_path), "restore", str(copy))
    assert result.exit_code == 0, result.output
    assert problems(db_path) == ([], [])


def test_a_file_without_the_chain_is_refused_not_crashed_on(
    busy: Repository, db_path: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "backup.db"
    maintenance.backup(busy.db, copy)
    tamper(copy, "ALTER TABLE audit_log DROP COLUMN hash")
    with pytest.raises(maintenance.MaintenanceError, match="no hash chain to verify"):
        maintenance.restore(busy.db, copy, zone="Europe/London", force=True, actor=busy.actor)
