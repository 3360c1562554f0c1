"""A view-only login (not on the staff list) that presses a key for a change is told what it
may do instead (look and export; how to be added), also when the database file is one it
may only read, where the change fails before the staff list is even read."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from sqlalchemy import event

from duty_desk.db import Database
from duty_desk.repository import Repository
from screens.base import view_only_sentence
from tests.ui.test_ui_day_support import open_day, select_row
from tests.ui.test_ui_support import notifications, settle

TOLD = "you can look and export (duty-desk export) but not change anything"


def read_only(db: Database) -> None:
    """Every new connection of ``db`` may only read (SQLite's own refusal, like a file of mode
    0444 for another login: BEGIN IMMEDIATE fails with "attempt to write a readonly database")."""

    @event.listens_for(db.engine, "connect")
    def _query_only(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA query_only = 1")

    db.engine.dispose()


@pytest.mark.parametrize("readable_only", [False, True], ids=["writable file", "read-only file"])
async def test_a_change_key_says_what_a_view_only_login_may_do(
    open_app, repo: Repository, make_referral, readable_only: bool
) -> None:
    referral_id = make_referral()
    if readable_only:
        read_only(repo.db)
    async with open_app(actor="visitor") as (app, pilot):
        for key in ("c", "a", "n", "d"):
            await pilot.press(key)
            await settle(pilot)
            while len(app.screen_stack) > 1:  # nothing opens; close it if something did
                await pilot.press("escape")
                await settle(pilot)
        told = notifications(app)
        assert told, "a key for a change is answered"
        assert all(message == view_only_sentence("visitor") for message in told), told
        assert all(TOLD in message and "nothing was saved" not in message for message in told)
        assert "'duty-desk staff add'" in told[0]
    assert repo.referral(referral_id).status == "new"
    assert repo.referral(referral_id).triage_by is None


async def test_the_day_view_tells_a_view_only_login_too(open_app, team) -> None:
    async with open_app(actor="visitor", settled=False) as (app, pilot):
        await open_day(pilot)
        await select_row(pilot, f"m{team.meeting}")
        for key in ("x", "b"):
            await pilot.press(key)
            await settle(pilot)
        assert notifications(app)
        assert all(TOLD in message for message in notifications(app)), notifications(app)
