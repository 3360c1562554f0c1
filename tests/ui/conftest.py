"""Fixtures for the UI tests: the real app on a real SQLite file, driven by Textual's pilot.

``open_app`` replaces the set-up each test used to repeat (build the app on the test's
database, ``run_test`` at 80x24, let the first load settle)::

    async def test_something(open_app, make_referral):
        referral_id = make_referral()            # seed first: the app loads what is there
        async with open_app() as (app, pilot):   # the queue, loaded, at 80x24
            await pilot.press("c")

Keyword arguments choose another login (``actor="visitor"``, ``actor=None``), terminal
size, settings or database, and ``settled=False`` skips the first settle (for tests that
open another screen with ``open_board``/``open_day``, which settle themselves).

The small data sets of the board and day tests (``board``, ``team``) are fixtures here too.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import pytest
from textual.pilot import Pilot

from duty_desk.config import Config
from duty_desk.db import Database
from screens.app import DutyDeskApp
from tests.conftest import DUTY
from tests.ui.test_ui_board_support import board  # noqa: F401 - fixture for this layer
from tests.ui.test_ui_day_support import team  # noqa: F401 - fixture for this layer
from tests.ui.test_ui_support import SIZE, make_app, settle

OpenApp = Callable[..., AbstractAsyncContextManager[tuple[DutyDeskApp, Pilot[Any]]]]


@pytest.fixture
def open_app(request: pytest.FixtureRequest) -> OpenApp:
    """A factory: ``async with open_app(**options) as (app, pilot)`` runs the app headless.

    The test's ``config`` and ``db`` fixtures are used unless others are given (asked for
    only then, so a test that opens its own database file does not get a second one)."""

    @asynccontextmanager
    async def opened(
        *,
        actor: str | None = DUTY,
        size: tuple[int, int] = SIZE,
        config: Config | None = None,
        db: Database | None = None,
        settled: bool = True,
        notifications: bool = False,  # toasts shown, as in the real app
    ) -> AsyncIterator[tuple[DutyDeskApp, Pilot[Any]]]:
        if config is None:
            config = request.getfixturevalue("config")
        if db is None:
            db = request.getfixturevalue("db")
        app = make_app(config, db, actor)
        async with app.run_test(size=size, notifications=notifications) as pilot:
            if settled:
                await settle(pilot)
            yield app, pilot

    return opened
