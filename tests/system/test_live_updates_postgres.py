"""The app on a real PostgreSQL server: its one change feed LISTENs, and a commit made in
another process reloads the queue being shown."""

from __future__ import annotations

from collections import Counter

import pytest

from duty_desk.config import Config
from duty_desk.db import Database
from tests.commit_elsewhere import commit_in_another_process
from tests.ui.test_live_updates import count_calls, mode_screen, until
from tests.ui.test_ui_support import make_app, settle

pytestmark = pytest.mark.slow


async def test_a_commit_elsewhere_reaches_the_shown_queue(
    pg: Database,
    pg_url: str,
) -> None:
    app = make_app(Config(), pg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await until(pilot, lambda: app.changes.kind is not None, "the feed never started")
        assert app.changes.kind == "listen"
        queue = mode_screen(app, "queue")
        calls: Counter[str] = Counter()
        count_calls(queue, "changed_elsewhere", calls, "queue")
        new_id = commit_in_another_process(pg_url, "Seen through NOTIFY (test)")
        await until(pilot, lambda: new_id in queue.rows, "the queue never showed the commit")
        assert calls["queue"] >= 1
