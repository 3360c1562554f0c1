"""Tables and the SQLite set-up: UTC storage, PRAGMAs, opening the wrong file, change watching."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import sqlite3
from pathlib import Path

import pendulum
import pytest
from sqlalchemy import text
from sqlalchemy.exc import StatementError
from sqlmodel import select

from duty_desk import timeutil
from duty_desk.config import ENV_DB, Config, DatabaseSettings
from duty_desk.db import (
    SCHEMA_VERSION,
    Database,
    DatabaseError,
    open_database,
    resolve_url,
)
from duty_desk.models import AuditLog, Meta, Referral, ReferralStatus, Staff
from duty_desk.repository import Repository
from tests.conftest import MONDAY_10
from tests.system import mp_workers

# -- datetimes are aware UTC ----------------------------------------------------------------


def _audit(at: dt.datetime) -> AuditLog:
    # A row added directly (not by duty_desk.audit_chain.append): any hash will do here.
    return AuditLog(at=at, actor="duty1", action="test", entity="test", entity_id=1, hash="0" * 64)


def test_offset_datetime_is_stored_and_read_back_as_the_same_instant_in_utc(db: Database) -> None:
    summer = dt.datetime(2026, 7, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    with db.session(write=True) as session:
        row = _audit(summer)
        session.add(row)
        session.flush()
        row_id = row.id
    with db.session() as session:
        back = session.get(AuditLog, row_id)
        assert back is not None
        assert back.at == summer  # the same instant ...
        assert back.at.utcoffset() == dt.timedelta(0)  # ... aware, in UTC
        assert (back.at.hour, back.at.minute) == (8, 0)
        stored = session.exec(
            text("SELECT at FROM audit_log WHERE id = :i").bindparams(i=row_id)
        ).one()
    assert stored[0].startswith("2026-07-01 08:00:00")  # UTC on disk, not 09:00


def test_pendulum_datetime_in_london_is_stored_as_utc(db: Database) -> None:
    when = pendulum.datetime(2026, 10, 25, 1, 30, tz="Europe/London", fold=1)  # second 01:30
    with db.session(write=True) as session:
        row = _audit(when)
        session.add(row)
        session.flush()
        row_id = row.id
    with db.session() as session:
        back = session.get(AuditLog, row_id)
        assert back is not None and back.at == dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.UTC)


def test_naive_datetime_is_refused(db: Database) -> None:
    with pytest.raises(StatementError, match="timezone"), db.session(write=True) as session:
        session.add(_audit(dt.datetime(2026, 7, 1, 9, 0)))
        session.flush()
    with db.session() as session:
        assert session.exec(select(AuditLog)).all() == []


def test_comparisons_with_aware_bounds_use_the_instant(db: Database) -> None:
    with db.session(write=True) as session:
        session.add(_audit(dt.datetime(2026, 7, 1, 8, 30, tzinfo=dt.UTC)))
    bound = pendulum.datetime(2026, 7, 1, 9, 0, tz="Europe/London")  # 08:00 UTC
    with db.session() as session:
        assert len(session.exec(select(AuditLog).where(AuditLog.at >= bound)).all()) == 1
        later = pendulum.datetime(2026, 7, 1, 9, 45, tz="Europe/London")  # 08:45 UTC
        assert session.exec(select(AuditLog).where(AuditLog.at >= later)).all() == []


# -- SQLite set-up ----------------------------------------------------------------------------


def _pragmas(db: Database) -> dict[str, object]:
    with db.session() as session:
        return {
            name: session.exec(text(f"PRAGMA {name}")).scalar()
            for name in (
                "journal_mode",
                "foreign_keys",
                "busy_timeout",
                "synchronous",
                "cache_size",
            )
        }


def test_pragmas_on_a_session_connection(db: Database) -> None:
    assert _pragmas(db) == {
        "journal_mode": "wal",
        "foreign_keys": 1,
        "busy_timeout": 15000,
        "synchronous": 2,  # FULL
        "cache_size": -512,  # KiB, not SQLite's default 2,000 (issue 15, peak memory)
    }


def test_synchronous_and_busy_timeout_follow_the_settings(tmp_path: Path) -> None:
    config = Config(database=DatabaseSettings(synchronous="NORMAL", busy_timeout_seconds=3))
    db = open_database(config, str(tmp_path / "normal.db"), create=True)
    try:
        pragmas = _pragmas(db)
        assert pragmas["synchronous"] == 1  # NORMAL
        assert pragmas["busy_timeout"] == 3000
    finally:
        db.dispose()


def test_foreign_keys_are_enforced(db: Database) -> None:
    from sqlalchemy.exc import IntegrityError

    from duty_desk.models import NetworkMember

    with pytest.raises(IntegrityError), db.session(write=True) as session:
        session.add(
            NetworkMember(
                referral_id=999,
                name="Nobody (test)",
                created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
            )
        )
        session.flush()


def test_write_session_holds_the_write_lock_from_its_start(db: Database, db_path: Path) -> None:
    """``session(write=True)`` is BEGIN IMMEDIATE: nobody else can start writing meanwhile."""
    other = sqlite3.connect(db_path, timeout=0, isolation_level=None)
    try:
        with db.session(write=True):
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # free again after commit
        other.execute("ROLLBACK")
        with db.session() as session:  # a read session takes no write lock
            session.exec(select(Meta)).all()
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
    finally:
        other.close()


def test_schema_and_meta(db: Database) -> None:
    with db.session() as session:
        assert session.get(Meta, "app").value == "duty-desk"  # type: ignore[union-attr]
        assert session.get(Meta, "schema_version").value == SCHEMA_VERSION  # type: ignore[union-attr]
    assert db.is_empty()
    assert db.describe() == str(db.sqlite_path)


def test_create_twice_is_harmless(config: Config, db_path: Path, db: Database) -> None:
    with db.session() as session:
        first = {m.key: m.value for m in session.exec(select(Meta)).all()}
    again = open_database(config, str(db_path), create=True)
    try:
        with again.session() as session:  # app, schema_version, database_id: once each, kept
            assert {m.key: m.value for m in session.exec(select(Meta)).all()} == first
            assert len(first) == 4  # and crisis_plans_since (issue 12, safety)
    finally:
        again.dispose()


def test_database_file_is_not_world_readable(db_path: Path, db: Database) -> None:
    assert db_path.stat().st_mode & 0o007 == 0


def test_version_column_counts_changes(repo: Repository, db: Database) -> None:
    with db.session() as session:
        staff = session.exec(select(Staff)).one()
        assert staff.version == 1
    repo.add_staff("second", "Second Person (test)", "clinician")
    repo.deactivate_staff("second")
    with db.session() as session:
        second = session.exec(select(Staff).where(Staff.login == "second")).one()
        assert second.version == 2
        assert second.active is False


def test_referral_status_helpers() -> None:
    assert ReferralStatus.new.is_open and ReferralStatus.triaging.is_open
    assert not ReferralStatus.accepted.is_open
    assert Referral.__tablename__ == "referral"


# -- opening the wrong thing -------------------------------------------------------------------


def test_missing_file_without_create_is_one_sentence(config: Config, tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    with pytest.raises(DatabaseError) as caught:
        open_database(config, str(missing))
    assert str(caught.value) == (
        f"no database at {missing} (run 'duty-desk init' to create one, "
        "or 'duty-desk demo' for a demo)"
    )
    assert not missing.exists()


def test_create_makes_missing_folders(config: Config, tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "duty.db"
    db = open_database(config, str(path), create=True)
    db.dispose()
    assert path.is_file()


def test_another_apps_sqlite_file_is_not_a_duty_desk_database(
    config: Config, tmp_path: Path
) -> None:
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, title TEXT)")
    with pytest.raises(DatabaseError) as caught:
        open_database(config, str(other))
    assert str(caught.value).startswith(f"{other} is not a duty-desk database")
    # ... and creating refuses to add our tables to it
    with pytest.raises(DatabaseError, match="not a duty-desk database"):
        open_database(config, str(other), create=True)
    with sqlite3.connect(other) as conn:
        tables = {
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        journal = conn.execute("PRAGMA journal_mode").fetchone()[0]
    assert tables == {"recipes"}
    assert journal == "delete"  # not switched to WAL behind the other app's back


def test_duty_desk_meta_from_another_app_is_refused(config: Config, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE duty_desk_meta (key TEXT PRIMARY KEY, value TEXT)")
        conn.execute("INSERT INTO duty_desk_meta VALUES ('app', 'something-else')")
    with pytest.raises(DatabaseError, match="is not a duty-desk database"):
        open_database(config, str(other))


def test_newer_schema_version_is_refused(config: Config, db_path: Path, db: Database) -> None:
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE duty_desk_meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(DatabaseError) as caught:
        open_database(config, str(db_path))
    assert f"newer duty-desk (schema 99, this one knows {SCHEMA_VERSION})" in str(caught.value)


@pytest.mark.parametrize("create", [False, True])
def test_a_file_that_is_not_a_database_at_all(config: Config, tmp_path: Path, create: bool) -> None:
    junk = tmp_path / "notes.db"
    junk.write_bytes(b"Shopping list (test): milk, bread\n" * 200)
    with pytest.raises(DatabaseError) as caught:
        open_database(config, str(junk), create=create)
    assert str(caught.value) == f"{junk} is not a duty-desk database (or is damaged)"
    assert junk.read_bytes() == b"Shopping list (test): milk, bread\n" * 200


def test_an_empty_file_is_not_yet_a_database_until_init(config: Config, tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    with pytest.raises(DatabaseError, match="run 'duty-desk init'"):
        open_database(config, str(empty))
    open_database(config, str(empty), create=True).dispose()
    open_database(config, str(empty)).dispose()


def test_in_memory_database_is_refused(config: Config) -> None:
    with pytest.raises(DatabaseError, match="in-memory"):
        open_database(config, "sqlite://")
    with pytest.raises(DatabaseError, match="in-memory"):
        open_database(config, "sqlite:///:memory:")


def test_resolve_url_precedence(
    config: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV_DB, raising=False)
    assert resolve_url(None, config).database.endswith("duty-desk.db")  # type: ignore[union-attr]
    configured = Config(database=DatabaseSettings(url=str(tmp_path / "configured.db")))
    assert resolve_url(None, configured).database == str(tmp_path / "configured.db")
    monkeypatch.setenv(ENV_DB, str(tmp_path / "env.db"))
    assert resolve_url(None, configured).database == str(tmp_path / "env.db")
    explicit = resolve_url(f"sqlite:///{tmp_path / 'explicit.db'}", configured)
    assert explicit.database == str(tmp_path / "explicit.db")
    monkeypatch.chdir(tmp_path)
    assert resolve_url("relative.db", config).database == str(tmp_path / "relative.db")


def test_resolve_url_bad_url(config: Config) -> None:
    with pytest.raises(DatabaseError, match="is not a database URL"):
        resolve_url("nonsense://::::", config)


# -- change watching -------------------------------------------------------------------------


def test_watcher_is_quiet_when_nothing_changed(repo: Repository, db: Database) -> None:
    watcher = db.watcher()
    try:
        assert watcher.changed() is False
        repo.open_referrals()  # reading is not a change
        repo.intake()
        assert watcher.changed() is False
    finally:
        watcher.close()


def test_watcher_sees_a_commit_from_another_connection(
    repo: Repository, db: Database, frozen_now: pendulum.DateTime
) -> None:
    from tests.conftest import referral_input

    watcher = db.watcher()
    try:
        repo.add_referral(referral_input())  # through the engine's pool: another connection
        assert watcher.generation == 0
        assert watcher.changed() is True
        assert watcher.changed() is False  # once per change
        assert watcher.generation == 1  # findings are counted, quiet looks are not
        repo.add_referral(referral_input(name="Second Person (test)"))
        assert watcher.changed_if_cheap(0.01) is True  # SQLite's look is cheap
        assert watcher.generation == 2
    finally:
        watcher.close()


def test_watcher_does_not_see_a_rolled_back_write(repo: Repository, db: Database) -> None:
    watcher = db.watcher()
    try:
        with pytest.raises(RuntimeError), db.session(write=True) as session:
            session.add(_audit(dt.datetime(2026, 1, 1, tzinfo=dt.UTC)))
            session.flush()
            raise RuntimeError("abandon the unit of work")
        assert watcher.changed() is False
    finally:
        watcher.close()


@pytest.mark.slow
def test_watcher_sees_a_commit_from_another_process(
    repo: Repository, db: Database, db_path: Path
) -> None:
    ctx = multiprocessing.get_context("spawn")
    go, done, results = ctx.Event(), ctx.Event(), ctx.Queue()
    process = ctx.Process(
        target=mp_workers.add_one_when_told,
        args=(str(db_path), "duty1", timeutil.as_utc(MONDAY_10), go, done, results),
    )
    watcher = db.watcher()
    process.start()
    try:
        assert results.get(timeout=60) == ("ready", "duty1")
        assert watcher.changed() is False  # the other process has only read so far
        go.set()
        assert done.wait(60)
        kind, value = results.get(timeout=10)
        assert kind == "added", value
        assert watcher.changed() is True
        assert watcher.changed() is False
        assert repo.referral(value).name == "From another process duty1 (test)"
    finally:
        watcher.close()
        process.join(30)
        if process.is_alive():
            process.kill()
    assert process.exitcode == 0
