"""The client record's meetings section (issue 12, the meeting part) through the real app
at 80x24: r records a meeting as happened (the flow), a adds to its note, o changes a
recorded outcome (with the reason) or records a did-not-attend (with the follow-up); the
pane shows the note entries with time and author, the outcome changes and the follow-up."""

from __future__ import annotations

from typing import Any

from screens.attendance_dialog import AttendanceDialog
from screens.meeting_note_dialog import MeetingNoteDialog
from screens.next_meeting import NextMeetingDialog
from screens.outcome_dialog import OutcomeDialog
from screens.record import open_record

from . import test_ui_day_support as support
from .test_ui_record import detail, footer_keys, record_screen
from .test_ui_support import notifications, settle

team = support.team  # the fixture


async def meetings_of(pilot: Any, team: Any, meeting_id: int) -> None:
    """The record of the fixture's client, its meetings, the cursor on ``meeting_id``."""
    await settle(pilot)
    await open_record(pilot.app, team.client)
    await settle(pilot)
    await pilot.press("m")
    await settle(pilot)
    table = record_screen(pilot.app).main_table()
    table.move_cursor(row=table.get_row_index(f"meetings:{meeting_id}"))
    await settle(pilot)


async def test_the_meetings_keys_show_only_in_the_meetings_section(open_app, team):
    async with open_app(settled=False) as (app, pilot):
        await meetings_of(pilot, team, team.earlier)
        keys = footer_keys(app)
        assert keys["r"] == "record_meeting_record"
        assert keys["a"] == "record_meeting_note"
        assert keys["o"] == "record_meeting_outcome"
        await pilot.press("h")
        await settle(pilot)
        assert "o" not in footer_keys(app) and "r" not in footer_keys(app)


async def test_r_records_the_meeting_and_the_pane_shows_the_note(open_app, team):
    async with open_app(settled=False) as (app, pilot):
        await meetings_of(pilot, team, team.earlier)
        assert "Note: none yet" not in detail(app)  # booked: no note line
        await pilot.press("r")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, AttendanceDialog)
        dialog.query_one("#field-note").focus()
        await pilot.press(*"We agreed [b]weekly[/b]", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, NextMeetingDialog)
        await pilot.press("enter")  # skipped
        await settle(pilot)
        record_screen(app)
        assert any(
            "no next meeting booked" in n and "Alex Example (test)" in n for n in notifications(app)
        )
        text = detail(app)
        assert "happened" in text
        assert "Note:" in text and "duty1: We agreed [b]weekly[/b]" in text
        assert "Mon 23 Nov" in text  # the entry's time


async def test_a_adds_to_the_note_with_its_own_author(open_app, team, db, config):
    from duty_desk.repository import Repository

    Repository(db, config, actor="peer1").record_meeting(
        team.earlier, [team.peer], [], "Peer's first entry"
    )
    async with open_app(settled=False) as (app, pilot):
        await meetings_of(pilot, team, team.earlier)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, MeetingNoteDialog)
        await pilot.press(*"Later: GP letter sent", "ctrl+s")
        await settle(pilot)
        text = detail(app)
        assert "peer1: Peer's first entry" in text
        assert "duty1: Later: GP letter sent" in text


async def test_o_changes_a_recorded_outcome_with_the_reason_kept(open_app, team):
    team.repo.record_meeting(team.earlier, [team.duty], [], "Met (test)")
    async with open_app(settled=False) as (app, pilot):
        await meetings_of(pilot, team, team.earlier)
        await pilot.press("o")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, OutcomeDialog)
        await pilot.press(*"Recorded on the wrong client", "enter", *"Phoned mum", "enter")
        await settle(pilot)
        text = detail(app)
        assert "DNA" in text
        assert "happened -> did not attend. Why: Recorded on the wrong client" in text
        assert "Follow-up after did not attend: Phoned mum" in text
        assert "Met (test)" in text  # the note stays


async def test_o_on_a_booked_meeting_missed_asks_the_follow_up(open_app, team):
    async with open_app(settled=False) as (app, pilot):
        await meetings_of(pilot, team, team.earlier)
        await pilot.press("o")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, OutcomeDialog)
        assert not dialog.query_one("#field-reason").parent.display  # a first record
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog  # H51: no did-not-attend without a follow-up
        await pilot.press(*"Letter sent", "enter")
        await settle(pilot)
        assert "Follow-up after did not attend: Letter sent" in detail(app)


async def test_a_meeting_to_come_is_not_recorded(open_app, team):
    async with open_app(settled=False) as (app, pilot):
        await meetings_of(pilot, team, team.meeting)
        for key in ("r", "o", "a"):
            await pilot.press(key)
            await settle(pilot)
            record_screen(app)  # no dialog
        assert any("has not started yet" in n for n in notifications(app))
    assert team.repo.meeting(team.meeting).status == "booked"
