"""Safeguarding flags on screen (issue 12, guard): the two dialogs on their own, raising and
closing from the queue, and the SG marker wherever the person appears: the queue, the
board, the day view, the dialogs that name them, in words (no colour needed) and in
privacy mode (where the note is hidden and the marker stays)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pendulum
from textual.widgets import Input, Select, Static

from duty_desk import timeutil
from duty_desk.repository import Repository
from screens.flag_dialogs import CloseFlagDialog, RaiseFlagDialog
from tests.ui.test_ui_board_support import Board, open_board, select_client
from tests.ui.test_ui_board_support import cell as board_cell
from tests.ui.test_ui_board_support import detail as board_detail
from tests.ui.test_ui_day_support import Team, day_table, open_day, select_row, text_of
from tests.ui.test_ui_support import (
    cell_text,
    detail_text,
    notifications,
    screen_text,
    set_select,
    settle,
    table_of,
)

NOTE = "Two children at home [urgent] (test)"


def intro(app: Any) -> str:
    return str(app.screen.query_one("#intro", Static).render())


def error(app: Any, name: str) -> str:
    return str(app.screen.query_one(f"#error-{name}", Static).render())


# -- the dialogs on their own ---------------------------------------------------------------


async def test_the_raise_dialog_on_its_own(
    open_app: Callable[..., Any], config: Any, frozen_now: pendulum.DateTime
) -> None:
    saved: list[tuple[str, str]] = []

    def save(kind: str, note: str) -> int:
        from duty_desk.repo.safeguarding import validate_flag

        saved.append(validate_flag(kind, note, config.safeguarding.kinds))
        return 7

    results: list[int | None] = []
    async with open_app() as (app, pilot):
        dialog = RaiseFlagDialog(
            "Alex Example (test)",
            save,
            config=config,
            open_kinds=("adult",),
            born=dt.date(1990, 2, 1),
            nhs="9990000018",
        )
        app.push_screen(dialog, results.append)
        await settle(pilot)
        words = intro(app)
        assert "Person: Alex Example (test)  SG Adult at risk" in words
        assert "born 01/02/1990, NHS 999 000 0018" in words
        options = [label for label, _ in dialog.query_one("#field-kind", Select)._options]
        assert options[1:] == ["Child safeguarding", "Adult at risk", "Domestic abuse"]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert error(app, "kind") == "kind of flag is required"
        assert error(app, "note") == "note is required"
        set_select(app, "#field-kind", "child")
        app.screen.query_one("#field-note", Input).value = NOTE
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, RaiseFlagDialog)
    assert saved == [("child", NOTE)] and results == [7]


async def test_the_close_dialog_on_its_own(
    open_app: Callable[..., Any],
    repo: Repository,
    make_referral: Callable[..., int],
    config: Any,
) -> None:
    referral = make_referral()
    child = repo.flag(repo.raise_flag("child", NOTE, referral_id=referral))
    adult = repo.flag(repo.raise_flag("adult", "Adult concern (test)", referral_id=referral))
    closed: list[tuple[int, dt.date, str]] = []

    def save(flag: Any, on: dt.date, reason: str) -> None:
        closed.append((flag.id, on, reason))

    async with open_app() as (app, pilot):
        app.push_screen(CloseFlagDialog("Alex Example (test)", [child, adult], save, config=config))
        await settle(pilot)
        words = intro(app)
        assert "SG Child safeguarding, Adult at risk" in words
        assert f"Child safeguarding, raised by duty1 Mon 23 Nov 10:00: {NOTE}" in words
        app.screen.query_one("#field-reason", Input).value = "No further action (test)"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert error(app, "flag") == "choose the flag to close"
        set_select(app, "#field-flag", str(adult.id))
        app.screen.query_one("#field-ends_on", Input).value = "someday"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "not a date" in error(app, "ends_on") or error(app, "ends_on")
        app.screen.query_one("#field-ends_on", Input).value = "today"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, CloseFlagDialog)
    assert closed == [(adult.id, dt.date(2026, 11, 23), "No further action (test)")]


# -- the queue: raise, the marker, close ----------------------------------------------------


async def test_raising_and_closing_a_flag_from_the_queue(
    open_app: Callable[..., Any], repo: Repository, make_referral: Callable[..., int]
) -> None:
    referral = make_referral()
    async with open_app() as (app, pilot):
        assert cell_text(app, referral, "name") == "Alex Example (test)"
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, RaiseFlagDialog)
        set_select(app, "#field-kind", "domestic")
        app.screen.query_one("#field-note", Input).value = NOTE
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, RaiseFlagDialog)
        assert "Safeguarding flag raised: Alex Example (test)." in notifications(app)
        assert cell_text(app, referral, "name") == "SG Alex Example (test)"
        name_cell = table_of(app).get_cell(str(referral), "name")
        assert any("reverse" in str(span.style) for span in name_cell.spans)
        assert "SG Domestic abuse  open safeguarding flag" in detail_text(app)
        assert "SG Alex Example" in screen_text(app)
        await pilot.press("G")
        await settle(pilot)
        assert isinstance(app.screen, CloseFlagDialog)
        app.screen.query_one("#field-reason", Input).value = "Raised on the wrong person (test)"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, CloseFlagDialog)
        assert "Safeguarding flag closed: Alex Example (test)." in notifications(app)
        assert cell_text(app, referral, "name") == "Alex Example (test)"
        assert "SG" not in detail_text(app)
        await pilot.press("G")
        await settle(pilot)
        assert not isinstance(app.screen, CloseFlagDialog)
        assert "Alex Example (test) has no open safeguarding flag." in notifications(app)
    (flag,) = repo.flags(referral_id=referral)
    assert (flag.kind, flag.note, flag.close_reason) == (
        "domestic",
        NOTE,
        "Raised on the wrong person (test)",
    )


async def test_a_visitor_cannot_raise_a_flag(
    open_app: Callable[..., Any], repo: Repository, make_referral: Callable[..., int]
) -> None:
    make_referral()
    async with open_app(actor="visitor") as (app, pilot):
        await pilot.press("g")
        await settle(pilot)
        assert not isinstance(app.screen, RaiseFlagDialog)
    assert repo.flag_marks().by_referral == {}


async def test_the_queue_palette_has_the_flag_commands(
    open_app: Callable[..., Any], make_referral: Callable[..., int]
) -> None:
    make_referral()
    async with open_app() as (app, pilot):
        names = [command.name for command in app.screen.palette_commands()]
        assert "Raise safeguarding flag" in names and "Close safeguarding flag" in names


async def test_privacy_mode_keeps_the_marker_and_hides_the_note(
    open_app: Callable[..., Any], repo: Repository, make_referral: Callable[..., int]
) -> None:
    referral = make_referral()
    repo.raise_flag("child", NOTE, referral_id=referral)
    async with open_app() as (app, pilot):
        await pilot.press("p")
        await settle(pilot)
        assert cell_text(app, referral, "name") == "SG A.E."
        assert "SG Child safeguarding" in detail_text(app)
        await pilot.press("G")
        await settle(pilot)
        assert isinstance(app.screen, CloseFlagDialog)
        words = intro(app)
        assert "Person: A.E.  SG Child safeguarding" in words
        assert "(hidden)" in words and "Two children" not in words
        assert "Two children" not in screen_text(app)


# -- the marker on the board, the day view and the dialogs that name the person -------------


async def test_the_marker_on_the_board_and_in_the_discharge_and_booking_dialogs(
    open_app: Callable[..., Any], board: Board
) -> None:
    board.repo.raise_flag("adult", "Adult concern (test)", client_id=board.alex)
    async with open_app() as (app, pilot):
        await open_board(pilot)
        assert board_cell(app, board.alex, "client") == "SG Alex Example (test)"
        assert board_cell(app, board.blake, "client") == "Blake Sample (test)"
        await select_client(pilot, board.alex)
        assert "SG Adult at risk  open safeguarding flag" in board_detail(app)
        await pilot.press("d")
        await settle(pilot)
        assert "Client: Alex Example (test)  SG Adult at risk" in intro(app)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        assert "Client: Alex Example (test)  SG Adult at risk" in screen_text(app)


async def test_the_marker_on_the_day_view_and_in_the_attendance_dialog(
    open_app: Callable[..., Any], team: Team
) -> None:
    repo = team.repo
    repo.raise_flag("child", NOTE, client_id=team.client)
    async with open_app() as (app, pilot):
        await open_day(pilot)
        table = day_table(app)
        key = f"m{team.earlier}"
        assert table.get_cell(key, "client").plain.strip().startswith("SG ")
        await select_row(pilot, key)
        assert "SG Child safeguarding  open safeguarding flag" in text_of(app, "#meeting-body")
        await pilot.press("a")
        await settle(pilot)
        assert "SG Child safeguarding" in screen_text(app)


async def test_the_marker_in_the_accept_decline_and_note_dialogs(
    open_app: Callable[..., Any], repo: Repository, make_referral: Callable[..., int]
) -> None:
    referral = make_referral()
    repo.raise_flag("child", NOTE, referral_id=referral)
    async with open_app() as (app, pilot):
        await pilot.press("a")
        await settle(pilot)
        assert "SG Child safeguarding" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert "Referral: Alex Example (test)  SG Child safeguarding" in intro(app)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("N")
        await settle(pilot)
        assert "About: Alex Example (test)  SG Child safeguarding" in intro(app)


def test_today_is_monday(frozen_now: pendulum.DateTime) -> None:
    """The dialogs' dates above read against the frozen clock."""
    assert timeutil.now().date() == dt.date(2026, 11, 23)


# -- the client record: the header marker and the flags in Crisis & risk (c) ------------------


async def open_record_of(pilot: Any, client_id: int) -> Any:
    from screens.record import RecordScreen, open_record

    await settle(pilot)
    await open_record(pilot.app, client_id)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, RecordScreen)
    return screen


def record_header(app: Any) -> str:
    return str(app.screen.query_one("#record-header", Static).render())


def record_detail(app: Any) -> str:
    return str(app.screen.query_one("#record-detail-body", Static).render())


async def test_the_record_raises_shows_and_closes_flags(
    open_app: Callable[..., Any], board: Board
) -> None:
    repo = board.repo
    async with open_app() as (app, pilot):
        screen = await open_record_of(pilot, board.alex)
        assert "SG" not in record_header(app)
        await pilot.press("c")
        await settle(pilot)
        # the crisis plan and risk summary come first in the section; no flag row yet
        whats = [screen.table().get_cell(r.key, "what").plain for r in screen.table().ordered_rows]
        assert not any("SG" in w for w in whats)
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, RaiseFlagDialog)
        assert "born 01/02/1990, NHS 999 000 0018" in intro(app)
        set_select(app, "#field-kind", "child")
        app.screen.query_one("#field-note", Input).value = NOTE
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert "Safeguarding flag raised (Alex Example (test))" in notifications(app)
        assert "Alex Example (test) SG Child safeguarding" in record_header(app)
        await pilot.press("end")  # the flags come after the crisis plan and risk summary
        await settle(pilot)
        row = screen.table().get_cell(screen.current_key(), "what")
        assert row.plain.strip() == "SG OPEN"
        assert f"Note: {NOTE}" in record_detail(app)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, CloseFlagDialog)
        app.screen.query_one("#field-reason", Input).value = "Strategy meeting: closed (test)"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert "SG" not in record_header(app)
        assert screen.table().get_cell(screen.current_key(), "what").plain.strip() == "SG closed"
        assert "Why: Strategy meeting: closed (test)" in record_detail(app)
        await pilot.press("x")
        await settle(pilot)
        assert app.screen is screen
        assert any("Select an open safeguarding flag" in n for n in notifications(app))
        await pilot.press("h")
        await settle(pilot)
        rows = [screen.table().get_cell(r.key, "what").plain for r in screen.table().ordered_rows]
        assert any("close safeguarding flag" in r for r in rows)
    (flag,) = repo.flags(client_id=board.alex)
    assert flag.close_reason == "Strategy meeting: closed (test)"


async def test_the_record_keys_are_in_the_footer_and_palette_only_in_crisis_and_risk(
    open_app: Callable[..., Any], board: Board
) -> None:
    async with open_app() as (app, pilot):
        screen = await open_record_of(pilot, board.alex)
        await pilot.press("n")
        await settle(pilot)
        shown = {k: a.binding.id for k, a in app.screen.active_bindings.items() if a.binding.show}
        assert shown.get("g") != "record_flag_raise"
        await pilot.press("c")
        await settle(pilot)
        shown = {k: a.binding.id for k, a in app.screen.active_bindings.items() if a.binding.show}
        assert shown["g"] == "record_flag_raise" and shown["x"] == "record_flag_close"
        names = [command.name for command in screen.palette_commands()]
        assert "Raise a safeguarding flag" in names
        assert "Close the selected safeguarding flag" in names


async def test_privacy_mode_on_the_record_keeps_the_marker_and_hides_the_note(
    open_app: Callable[..., Any], board: Board
) -> None:
    board.repo.raise_flag("domestic", NOTE, client_id=board.alex)
    async with open_app() as (app, pilot):
        await open_record_of(pilot, board.alex)
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("c", "end")  # the flag after the crisis plan and risk summary
        await settle(pilot)
        assert "A.E. SG Domestic abuse" in record_header(app)
        assert "Note: (hidden)" in record_detail(app)
        await pilot.press("h")
        await settle(pilot)
        assert "Two children" not in screen_text(app)
        assert "Two children" not in record_detail(app)


RAISE_ELSEWHERE = """
import sys

import pendulum

from duty_desk import timeutil
from duty_desk.config import Config
from duty_desk.db import open_database
from duty_desk.repository import Repository

timeutil.set_now(pendulum.datetime(2026, 11, 23, 10, 0, tz="Europe/London"))
config = Config()
db = open_database(config, sys.argv[1])
Repository(db, config, actor="duty2").raise_flag(
    "adult", "Raised at another desk (test)", referral_id=int(sys.argv[2])
)
db.dispose()
"""


async def test_a_flag_raised_at_another_desk_appears_on_the_open_queue(
    open_app: Callable[..., Any],
    db_path: Any,
    repo: Repository,
    make_referral: Callable[..., int],
) -> None:
    import asyncio
    import sys
    import time

    repo.add_staff("duty2", "Duty Worker Two (test)", "clinician")
    referral = make_referral()
    async with open_app() as (app, pilot):
        assert cell_text(app, referral, "name") == "Alex Example (test)"
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", RAISE_ELSEWHERE, str(db_path), str(referral)
        )
        assert await asyncio.wait_for(process.wait(), 60) == 0
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            await pilot.pause(0.05)
            if cell_text(app, referral, "name").startswith("SG "):
                break
        assert cell_text(app, referral, "name") == "SG Alex Example (test)"
        await settle(pilot)
        assert "SG Adult at risk" in detail_text(app)
