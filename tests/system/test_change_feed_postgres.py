"""The change feed on a real PostgreSQL server: LISTEN/NOTIFY from the audit-log trigger
(new databases and ``duty-desk upgrade`` both have it), a commit in another process heard
through NOTIFY, a dropped listening connection turned into one full reload, and the poll
when the trigger is missing."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from duty_desk import migrate
from duty_desk.changes import ListenFeed, open_feed
from duty_desk.db import Database
from tests.commit_elsewhere import commit_in_another_process
from tests.repo.pg_server import undo_after_0004

pytestmark = pytest.mark.slow
psycopg = pytest.importorskip(
    "psycopg", reason="psycopg is not installed (pip install .[postgres])"
)
WAIT = 60.0  # seconds: far longer than a NOTIFY takes; the tests never sit it out


def notify_only(db: Database) -> ListenFeed:
    """A feed that never checks by hand: only a notification can make it answer True."""
    feed = ListenFeed(db, health_seconds=None)
    feed.start()
    assert feed.kind == "listen"
    return feed


def has_trigger(db: Database) -> bool:
    with db.engine.connect() as connection:
        return bool(
            connection.execute(
                text("SELECT count(*) FROM pg_trigger WHERE tgname = 'audit_log_notify'")
            ).scalar_one()
        )


def test_a_commit_in_another_process_arrives_by_notify(pg: Database, pg_url: str) -> None:
    assert isinstance(open_feed(pg), ListenFeed)
    feed = notify_only(pg)
    try:
        assert feed.wait(0.05) is False
        commit_in_another_process(pg_url, "From elsewhere (test)")  # before the wait: kept
        assert feed.wait(WAIT) is True
        assert feed.wait(0.05) is False, "one commit, one change"
    finally:
        feed.close()


def test_a_commit_while_waiting_wakes_the_wait(pg: Database, pg_url: str) -> None:
    feed = notify_only(pg)
    answers: list[bool] = []
    waiter = threading.Thread(target=lambda: answers.append(feed.wait(WAIT)))
    waiter.start()
    try:
        commit_in_another_process(pg_url, "While waiting (test)")
        waiter.join(WAIT + 10)
        assert answers == [True]
    finally:
        feed.stop()
        waiter.join(30)
        feed.close()


def test_a_dropped_listener_falls_back_to_a_full_reload(pg: Database, pg_url: str) -> None:
    feed = notify_only(pg)
    try:
        pid = feed.backend_pid
        with pg.engine.begin() as connection:
            assert connection.execute(
                text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}
            ).scalar_one()
        with pytest.raises(psycopg.OperationalError):
            feed.wait(WAIT)
        commit_in_another_process(pg_url, "While it was away (test)")  # nobody listened
        assert feed.changed() is True, "connected again: everything is read again"
        assert feed.kind == "listen" and feed.backend_pid not in (None, pid)
        assert feed.wait(0.05) is False
        commit_in_another_process(pg_url, "After (test)")
        assert feed.wait(WAIT) is True, "listening again"
    finally:
        feed.close()


def test_the_health_check_catches_what_no_notification_said(pg: Database) -> None:
    feed = ListenFeed(pg, health_seconds=0.05)
    feed.start()
    try:
        with pg.engine.begin() as connection:  # an audit row, with the trigger off for it
            connection.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_notify")
            connection.exec_driver_sql(
                "INSERT INTO audit_log (at, actor, action, entity, entity_id, before, after, "
                "hash) VALUES (now(), 'duty1', 'test', 'staff', 1, '{}', '{}', 'test')"
            )
            connection.exec_driver_sql("ALTER TABLE audit_log ENABLE TRIGGER audit_log_notify")
        assert feed.wait(0.05) is True
        assert feed.wait(0.05) is False
    finally:
        feed.close()


def test_without_the_trigger_the_feed_polls(pg: Database, pg_url: str) -> None:
    with pg.engine.begin() as connection:
        connection.exec_driver_sql("DROP TRIGGER audit_log_notify ON audit_log")
    feed = open_feed(pg)
    feed.start()
    try:
        assert feed.kind == "poll"
        assert feed.wait(0.05) is False
        commit_in_another_process(pg_url, "Polled (test)")
        assert feed.wait(0.05) is True
        assert feed.changed() is False
    finally:
        feed.close()


def test_new_databases_and_upgrades_get_the_trigger(pg: Database) -> None:
    assert has_trigger(pg)
    with pg.engine.begin() as connection:
        connection.exec_driver_sql("DROP TRIGGER audit_log_notify ON audit_log")
        connection.exec_driver_sql("DROP FUNCTION audit_log_notify()")
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0002'")
        connection.exec_driver_sql("ALTER TABLE audit_log DROP COLUMN hash")  # as 0002 made it
        undo_after_0004(connection)
    assert not has_trigger(pg)
    done = migrate.upgrade(pg)
    assert (done.before, done.after) == ("0002", migrate.head())
    assert has_trigger(pg)
