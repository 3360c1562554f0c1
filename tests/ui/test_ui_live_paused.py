"""When the change check cannot read the database, each screen says so once (not on every
tick) and carries on; when it can again, the screen reloads by itself."""

from __future__ import annotations

from typing import Any

import pendulum
import pytest

from tests.ui.test_ui_support import notifications, settle

PAUSED = "Live updates are paused"


@pytest.mark.parametrize("key", ["1", "2", "3"])
async def test_a_failing_change_check_warns_once_and_recovers(
    open_app, db: Any, repo: Any, frozen_now: pendulum.DateTime, key: str
) -> None:
    async with open_app() as (app, pilot):
        await pilot.press(key)
        await settle(pilot)
        screen = app.screen
        assert screen._watcher is not None
        screen._watcher._raw.close()  # its connection is gone: the check now fails for real
        for _ in range(3):
            screen._poll()
        await settle(pilot)
        assert sum(PAUSED in str(n) for n in notifications(app)) == 1
        loads: list[int] = []
        original = screen.reload
        screen.reload = lambda: (loads.append(1), original())[1]  # count, then do it
        screen._watcher = db.watcher()  # the database is readable again
        screen._poll()
        await settle(pilot)
        assert loads == [1], "it reloads once the check works again"
        assert sum(PAUSED in str(n) for n in notifications(app)) == 1
