"""The audit log's hash chain on a real PostgreSQL server: it verifies after ordinary
writes and after six processes writing at once (the advisory lock keeps one chain), an
upgrade writes it over existing rows, and ``check`` names a changed or deleted row and a
dropped or disabled trigger."""

from __future__ import annotations

import multiprocessing

import pytest
from sqlalchemy import text

from duty_desk import audit_chain, maintenance, migrate, timeutil
from duty_desk.audit_chain import ChainProblem, TriggerProblem
from duty_desk.config import Config
from duty_desk.db import Database
from duty_desk.repository import Repository
from tests.conftest import MONDAY_10, referral_input
from tests.repo.pg_server import undo_after_0004
from tests.system import mp_workers
from tests.system.test_concurrency import run

pytestmark = pytest.mark.slow
CTX = multiprocessing.get_context("spawn")


@pytest.fixture
def busy(pg: Database) -> Repository:
    repo = Repository(pg, Config(), actor="duty1")
    repo.add_staff("duty1", "Duty One (test)", "team_lead", bootstrap=True)
    repo.add_staff("peer1", "Peer One (test)", "peer_support")
    with timeutil.frozen(MONDAY_10):
        ids = [repo.add_referral(referral_input(name=f"Person {n} (test)")) for n in range(4)]
        for referral_id in ids[:2]:
            repo.claim(referral_id)
            repo.accept(referral_id)
        repo.set_capacity("peer1", 5)
    return repo


def problems(db: Database) -> tuple[list[ChainProblem], list[TriggerProblem]]:
    with db.engine.connect() as connection:
        return audit_chain.chain_problems(connection), audit_chain.trigger_problems(connection)


def audit_ids(db: Database) -> list[int]:
    with db.engine.connect() as connection:
        return list(connection.execute(text("SELECT id FROM audit_log ORDER BY id")).scalars())


def superuser(db: Database, *statements: str) -> None:
    """Statements run past the triggers: as the server's superuser, in replica mode."""
    with db.engine.begin() as connection:
        connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
        for statement in statements:
            connection.exec_driver_sql(statement)


def test_a_fresh_database_and_ordinary_writes_verify(pg: Database, busy: Repository) -> None:
    assert len(audit_ids(pg)) > 8
    assert problems(pg) == ([], [])
    report = maintenance.check(pg, Config())
    assert report.ok, report.problems
    assert "audit log: triggers in place, hash chain verifies end to end" in report.passed


def test_six_processes_writing_at_once_keep_one_chain(
    pg: Database, busy: Repository, pg_url: str
) -> None:
    workers, each = 6, 10
    logins = [f"writer{n}" for n in range(workers)]
    for login in logins:
        busy.add_staff(login, f"Writer {login} (test)", "clinician")
    before = len(audit_ids(pg))
    barrier, results = CTX.Barrier(workers), CTX.Queue()
    reports = run(
        mp_workers.add_referrals,
        [(pg_url, login, timeutil.as_utc(MONDAY_10), each) for login in logins],
        barrier,
        results,
        expected=workers,
    )
    assert [error for _login, _added, errors in reports for error in errors] == []
    assert len(audit_ids(pg)) == before + workers * each
    assert problems(pg) == ([], [])


def test_a_changed_row_and_a_disabled_trigger_are_reported(pg: Database, busy: Repository) -> None:
    target = audit_ids(pg)[4]
    with pg.engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change")
        connection.exec_driver_sql(f"UPDATE audit_log SET actor = 'someone' WHERE id = {target}")
    assert problems(pg) == (
        [ChainProblem(target, "changed")],
        [TriggerProblem("audit_log_no_change", "disabled")],
    )
    report = maintenance.check(pg, Config())
    audit_lines = [line for line in report.problems if "audit log" in line]
    assert len(audit_lines) == 2
    assert "audit_log_no_change (disabled)" in audit_lines[0]
    assert f"ids {target} (changed)" in audit_lines[1]


def test_a_deleted_middle_row_is_reported(pg: Database, busy: Repository) -> None:
    ids = audit_ids(pg)
    superuser(pg, f"DELETE FROM audit_log WHERE id = {ids[3]}")
    assert problems(pg) == ([ChainProblem(ids[4], "changed")], [])


def test_a_dropped_trigger_is_reported(pg: Database, busy: Repository) -> None:
    with pg.engine.begin() as connection:
        connection.exec_driver_sql("DROP TRIGGER audit_log_no_truncate ON audit_log")
    assert problems(pg) == ([], [TriggerProblem("audit_log_no_truncate", "missing")])
    assert not maintenance.check(pg, Config()).ok


def test_the_upgrade_writes_the_chain_over_existing_rows(pg: Database, busy: Repository) -> None:
    """A schema-2 database (revision 0003, no hash column) with rows, upgraded."""
    count = len(audit_ids(pg))
    with pg.engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE audit_log DROP COLUMN hash")
        undo_after_0004(connection)  # what the later revisions added goes too
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0003'")
        connection.exec_driver_sql(
            "UPDATE duty_desk_meta SET value = '2' WHERE key = 'schema_version'"
        )
    done = migrate.upgrade(pg)
    assert (done.before, done.after) == ("0003", migrate.head())
    pg.check_schema()
    assert len(audit_ids(pg)) == count
    assert problems(pg) == ([], [])
    with timeutil.frozen(MONDAY_10):
        busy.add_referral(referral_input(name="After the upgrade (test)"))
    assert problems(pg) == ([], [])
    with pg.engine.connect() as connection, pytest.raises(Exception, match="append-only"):
        connection.execute(text("UPDATE audit_log SET actor = 'x'"))
