"""The change feed on real SQLite files: ``PRAGMA data_version`` on its own connection,
commits from a real second process, a feed that loses its connection, and stopping a wait."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from duty_desk.changes import SqliteFeed, open_feed
from duty_desk.db import Database
from duty_desk.repository import Repository
from tests.commit_elsewhere import commit_in_another_process


def test_sqlite_gets_the_data_version_feed(db: Database) -> None:
    feed = open_feed(db)
    assert isinstance(feed, SqliteFeed) and feed.kind == "data_version"


def test_quiet_when_nothing_is_committed(repo: Repository, db: Database) -> None:
    feed = open_feed(db)
    feed.start()
    try:
        repo.open_referrals()  # reading is not a change
        repo.board()
        assert feed.changed() is False
        assert feed.wait(0.01) is False
    finally:
        feed.close()


@pytest.mark.slow
def test_a_commit_in_another_process_is_seen_once(
    repo: Repository, db: Database, db_path: Path
) -> None:
    feed = open_feed(db)
    feed.start()
    try:
        new_id = commit_in_another_process(str(db_path), "From elsewhere (test)")
        assert feed.wait(0.01) is True
        assert feed.changed() is False, "once per change"
        assert repo.referral(new_id).name == "From elsewhere (test)"
    finally:
        feed.close()


def test_the_apps_own_commits_count_too(repo: Repository, db: Database) -> None:
    """As before the feed: the app's pool is another connection, so its writes count."""
    from tests.conftest import referral_input

    feed = open_feed(db)
    feed.start()
    try:
        repo.add_referral(referral_input())
        assert feed.changed() is True
    finally:
        feed.close()


def test_a_lost_connection_is_an_error_then_one_full_reload(
    repo: Repository, db: Database, db_path: Path
) -> None:
    feed = open_feed(db)
    feed.start()
    away = db_path.with_name("away.db")
    try:
        assert isinstance(feed, SqliteFeed) and feed._conn is not None
        feed._conn.close()  # the connection is gone
        db_path.rename(away)  # ... and the file cannot be opened again for now
        for _ in range(3):
            with pytest.raises(sqlite3.Error):
                feed.changed()
        assert not db_path.exists(), "the feed never creates an empty database"
        away.rename(db_path)
        assert feed.changed() is True, "back: read everything again"
        assert feed.changed() is False
    finally:
        if away.exists():
            away.rename(db_path)
        feed.close()


def test_start_fails_on_a_missing_file_without_making_one(tmp_path: Path) -> None:
    feed = SqliteFeed(tmp_path / "missing.db")
    with pytest.raises(sqlite3.Error):
        feed.start()
    assert not (tmp_path / "missing.db").exists()
    feed.close()


def test_stop_wakes_a_waiting_feed(db: Database) -> None:
    feed = open_feed(db)
    feed.start()
    answers: list[bool] = []
    waiter = threading.Thread(target=lambda: answers.append(feed.wait(600)))
    waiter.start()
    feed.stop()
    waiter.join(30)
    try:
        assert not waiter.is_alive() and answers == [False]
        assert feed.wait(600) is False, "stopped for good"
    finally:
        feed.close()


def test_the_watcher_polls(db: Database) -> None:
    watcher = db.watcher()
    try:
        assert watcher.changed() is False
    finally:
        watcher.close()
