"""Live updates through the app's ONE change feed (screens/live.py, screens/app.py): an
outside commit reloads the screen being shown and no other; a hidden screen catches up
when it is shown; a feed that cannot read the database says so once and recovers by itself.
Real app (``run_test``), real SQLite file, real second process."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pendulum
import pytest
from textual.pilot import Pilot

from duty_desk.config import Config
from duty_desk.db import Database
from duty_desk.repository import Repository
from screens.app import DutyDeskApp
from tests.commit_elsewhere import accept_in_another_process
from tests.conftest import referral_input
from tests.ui.test_ui_support import make_app, notifications, settle

PAUSED = "Live updates are paused"
DEADLINE = 60.0  # seconds: far more than a change takes to arrive; only a failure waits it out


async def until(pilot: Pilot[Any], what: Callable[[], bool], message: str) -> None:
    """Let the app run until ``what()`` holds (a change arrives from another thread)."""
    waited = 0.0
    while not what():
        assert waited < DEADLINE, message
        await pilot.pause(0.05)
        waited += 0.05


def mode_screen(app: DutyDeskApp, mode: str) -> Any:
    return app.get_screen_stack(mode)[0]


def quiet_app(config: Config, db: Database) -> DutyDeskApp:
    """The app with a feed whose thread looks only once a minute: a test says when a
    change is found."""
    from duty_desk.config import DatabaseSettings

    quiet = config.model_copy(update={"database": DatabaseSettings(refresh_seconds=60)})
    return make_app(quiet, db)


async def on_the_board(pilot: Pilot[Any]) -> None:
    """The app settled, then the board shown and settled."""
    await settle(pilot)
    await pilot.press("2")
    await settle(pilot)


def count_calls(screen: Any, name: str, counter: Counter[str], label: str) -> None:
    original = getattr(screen, name)

    def counted(*args: Any) -> Any:
        counter[label] += 1
        return original(*args)

    setattr(screen, name, counted)


@pytest.mark.slow
async def test_an_outside_commit_reloads_the_shown_screen_and_the_others_catch_up(
    config: Config, db: Database, repo: Repository, db_path: Path, frozen_now: pendulum.DateTime
) -> None:
    referral_id = repo.add_referral(referral_input(name="Outside Change (test)"))
    app = make_app(config, db)
    async with app.run_test(size=(80, 24)) as pilot:
        for key in ("2", "3", "1"):  # every screen exists; the queue is shown
            await pilot.press(key)
            await settle(pilot)
        assert app.changes.kind == "data_version"
        queue, board, day = (mode_screen(app, mode) for mode in ("queue", "board", "day"))
        assert referral_id in queue.rows
        calls: Counter[str] = Counter()
        for label, screen in (("queue", queue), ("board", board), ("day", day)):
            count_calls(screen, "changed_elsewhere", calls, label)
            count_calls(screen, "reload", calls, f"{label} load")

        client_id = accept_in_another_process(str(db_path), referral_id)

        await until(pilot, lambda: calls["queue"] >= 1, "the queue never heard of the commit")
        await settle(pilot)
        await until(pilot, lambda: referral_id not in queue.rows, "the queue did not reload")
        assert calls["board"] == calls["day"] == 0, "hidden screens do not reload"
        assert calls["board load"] == calls["day load"] == 0
        assert client_id not in [e.client_id for e in board.data.episodes]

        await pilot.press("2")
        await settle(pilot)
        assert calls["board"] == 1, "shown again: the board catches up"
        assert client_id in [e.client_id for e in board.data.episodes]
        assert calls["day"] == 0, "the day view is still hidden"
        await pilot.press("3")
        await settle(pilot)
        assert calls["day"] == 1
        told = calls["queue"]
        await pilot.press("1")
        await settle(pilot)
        assert calls["queue"] == told, "the queue was up to date: no catching up"


@pytest.mark.parametrize("key", ["1", "2", "3"])
async def test_a_failing_change_feed_warns_once_and_recovers(
    config: Config,
    db: Database,
    repo: Repository,
    db_path: Path,
    frozen_now: pendulum.DateTime,
    key: str,
) -> None:
    app = make_app(config, db)
    away = db_path.with_name("away.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        screen = app.screen
        calls: Counter[str] = Counter()
        count_calls(screen, "changed_elsewhere", calls, "changed")
        feed: Any = app.changes._feed  # the test breaks the feed's own connection
        assert feed is not None and feed._conn is not None
        try:
            db_path.rename(away)  # it cannot connect again...
            feed._conn.close()  # ...and its connection is gone
            await until(pilot, lambda: app.changes.checks_failed >= 3, "the feed kept working")
            assert sum(PAUSED in str(n) for n in notifications(app)) == 1, "once, not a tick"
            assert calls["changed"] == 0
        finally:
            away.rename(db_path)  # the database is readable again
        await until(pilot, lambda: calls["changed"] >= 1, "no reload once it works again")
        await settle(pilot)
        assert calls["changed"] == 1, "one reload when it works again"
        assert sum(PAUSED in str(n) for n in notifications(app)) == 1


async def test_the_feed_thread_ends_with_the_app(
    config: Config, db: Database, repo: Repository
) -> None:
    app = make_app(config, db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await until(pilot, lambda: app.changes.kind is not None, "the feed never started")
    assert app.changes.join(30), "the change feed's thread is still running"


async def test_a_read_that_starts_after_a_commit_takes_it_in(
    config: Config, db: Database, repo: Repository, frozen_now: pendulum.DateTime
) -> None:
    """After its own write the board reads again at once: that read has the write, so the
    feed does not make it read a second time; the hidden queue still catches up."""
    app = quiet_app(config, db)  # no race here
    async with app.run_test(size=(80, 24)) as pilot:
        await on_the_board(pilot)
        board, queue = mode_screen(app, "board"), mode_screen(app, "queue")
        calls: Counter[str] = Counter()
        count_calls(queue, "changed_elsewhere", calls, "queue")
        new_id = repo.add_referral(referral_input(name="Own Write (test)"))  # committed
        board.reload()  # what the board does after its own write
        await settle(pilot)
        feed: Any = app.changes._feed
        assert feed.changed() is False, "the board's read took the change in"
        await pilot.press("1")
        await settle(pilot)
        assert calls["queue"] == 1, "the hidden queue is stale and catches up"
        assert new_id in queue.rows


@pytest.mark.parametrize("begun", ["before", "after"])
async def test_a_change_found_before_a_read_began_is_not_read_again(
    config: Config, db: Database, repo: Repository, frozen_now: pendulum.DateTime, begun: str
) -> None:
    """The feed's thread finds a commit and posts its message; the board's own reload
    begins before the message arrives, and has the commit: the message must not make the
    board read a second time (it would read every episode: nothing new in the audit log).
    A commit found after the read began still reloads it."""
    from screens.live import ChangeFollower

    app = quiet_app(config, db)  # the test finds the changes, as the feed's thread would
    async with app.run_test(size=(80, 24)) as pilot:
        await on_the_board(pilot)
        board = mode_screen(app, "board")
        calls: Counter[str] = Counter()
        count_calls(board, "reload", calls, "board")
        feed: Any = app.changes._feed
        new_id = repo.add_referral(referral_input(name="Found First (test)"))
        repo.accept(new_id)
        if begun == "before":
            assert feed.changed() is True  # what the feed's thread does, then it posts:
            found = ChangeFollower.Changed(feed.generation)
            board.reload()  # ... but the board's own reload begins first
        else:
            board.reload()
            await settle(pilot)
            repo.add_referral(referral_input(name="Found Later (test)"))
            assert feed.changed() is True
            found = ChangeFollower.Changed(feed.generation)
        app.post_message(found)
        await settle(pilot)
        assert calls["board"] == (1 if begun == "before" else 2)
        shown = [
            getattr(item, "name", "") for rows in board.lists.values() for item in rows.values()
        ]
        assert "Found First (test)" in shown, "the board's own read has the commit"
