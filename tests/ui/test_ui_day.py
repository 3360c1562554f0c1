"""Pilot tests for the day view: the list, moving between days, the staff filter, free gaps,
recording, cancelling, history, literal text and live updates, on a real SQLite file."""

from __future__ import annotations

import asyncio
import sys
import textwrap
import time

from textual.widgets import Checkbox, Input, Select

from screens.attendance_dialog import AttendanceDialog
from screens.cancel_dialog import CancelDialog
from screens.date_dialog import DateDialog
from screens.meeting_history import MeetingHistory
from screens.next_meeting import NextMeetingDialog
from screens.outcome_dialog import OutcomeDialog
from tests.conftest import referral_input

from . import test_ui_day_support as support
from .test_ui_day_support import (
    ADDRESS,
    day_cursor,
    day_rows,
    day_screen,
    local,
    open_day,
    select_row,
    text_of,
)
from .test_ui_support import notifications, queue_screen, screen_text, settle

team = support.team  # the fixture


async def test_day_lists_unbooked_first_then_meetings(open_app, team):
    async with open_app(settled=False) as (app, pilot):
        await open_day(pilot)
        rows = day_rows(app)
        assert rows[0][0] == "NOT BOOKED"
        assert rows[0][1] == "[red]Waiting[/red] Person (test)"  # literal, not markup
        assert rows[0][2] == "23h00 left"  # received 09:00, 24 hours
        assert rows[1:] == [
            ("08:30-09:30", "Alex Example (test)", "booked"),
            ("11:00-12:00", "Alex Example (test)", "booked"),
        ]
        # The unbooked first meeting stays in sight while the meetings scroll.
        assert day_screen(app).query_one("#day").fixed_rows == 1
        # The cursor starts on the meeting now or next.
        assert day_cursor(app) == f"m{team.meeting}"
        heading = text_of(app, "#day-heading")
        assert "Monday 23 November 2026 (today)" in heading and "08:00-20:00" in heading
        detail = text_of(app, "#meeting-body")
        assert "Monday 23 November, 11:00-12:00" in detail
        assert f"Home visit: {ADDRESS}" in detail  # the address literally
        assert "Duty Worker One (test) (DO), Peer Worker (test) (PW)" in detail
        assert "Network: Mum (test)" in detail
        await select_row(pilot, f"u{team.unbooked}")
        detail = text_of(app, "#meeting-body")
        assert "first meeting NOT BOOKED" in detail and "Respond by Tue 24 Nov 09:00" in detail


async def test_free_gaps_of_the_acting_staff_member(open_app, team):
    async with open_app(settled=False) as (app, pilot):
        await open_day(pilot)
        bar = text_of(app, "#timeline")
        assert bar.startswith("DO ")
        assert "Free: 10:00-11:00, 12:00-20:00" in bar  # from now, around the 11:00 meeting
        assert "08:00" in bar and "20:00" in bar
        line = bar.splitlines()[0]
        assert "####" in line  # 11:00-12:00 busy, in 15-minute cells


async def test_previous_next_today_and_a_typed_date(open_app, team):
    async with open_app(settled=False) as (app, pilot):
        screen = await open_day(pilot)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert "Tuesday 24 November 2026 (tomorrow)" in text_of(app, "#day-heading")
        assert [r[0] for r in day_rows(app)] == ["NOT BOOKED"]  # unbooked shows on every day
        await pilot.press("left_square_bracket", "left_square_bracket")
        await settle(pilot)
        heading = text_of(app, "#day-heading")
        assert "Sunday 22 November 2026 (yesterday)" in heading and "not a team day" in heading
        await pilot.press("t")
        await settle(pilot)
        assert screen.day.isoformat() == "2026-11-23"
        assert day_cursor(app) == f"m{team.meeting}"
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, DateDialog)
        await pilot.press(*"someday", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DateDialog)  # unreadable: says so, keeps the text
        assert app.screen.query_one("#field-day", Input).value == "someday"
        assert "Cannot read 'someday' as a day" in str(app.screen.query_one("#error-day").render())
        app.screen.query_one("#field-day", Input).value = "thu"
        await pilot.press("enter")
        await settle(pilot)
        assert screen.day.isoformat() == "2026-11-26"
        assert "Thursday 26 November 2026" in text_of(app, "#day-heading")


async def test_staff_filter_shows_one_persons_day(open_app, team):
    team.repo.book(team.unbooked, local(23, 14), 60, [team.other], "phone")
    async with open_app(settled=False) as (app, pilot):
        await open_day(pilot)
        assert len(day_rows(app)) == 3  # 08:30, 11:00, 14:00 (the unbooked one is booked now)
        await pilot.press("s", *"clin", "enter")
        await settle(pilot)
        assert day_rows(app) == [("14:00-15:00", "[red]Waiting[/red] Person (test)", "booked")]
        assert "staff: clin2" in text_of(app, "#day-heading")
        bar = text_of(app, "#timeline")
        assert bar.startswith("CT ") and "Free: 10:00-14:00, 15:00-20:00" in bar
        await pilot.press("escape")
        await settle(pilot)
        assert len(day_rows(app)) == 3 and "staff: all" in text_of(app, "#day-heading")
        await pilot.press("s", *"peer1", "enter")
        await settle(pilot)
        table = day_screen(app).query_one("#day")
        assert table.get_cell(f"m{team.meeting}", "staff").plain.strip() == "DO PW"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("s", *"nobody-here", "enter")
        await settle(pilot)
        assert any("No active staff member matches" in n for n in notifications(app))
        assert app.focused.id == "staff-input" and app.focused.value == "nobody-here"


async def test_cancel_with_who_and_a_reason(open_app, team):
    async with open_app(settled=False) as (app, pilot):
        await open_day(pilot)
        await select_row(pilot, f"m{team.meeting}")
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, CancelDialog)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CancelDialog)  # who and why are both needed
        assert "Say who cancelled" in str(app.screen.query_one("#error-by").render())
        app.screen.query_one("#field-by", Select).value = "client"
        app.screen.query_one("#field-reason", Input).focus()
        await pilot.press(*"Mum [unwell]", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, CancelDialog)
        meeting = team.repo.meeting(team.meeting)
        assert (meeting.status, meeting.cancelled_by, meeting.cancel_reason) == (
            "cancelled",
            "client",
            "Mum [unwell]",
        )
        assert ("11:00-12:00", "Alex Example (test)", "cancelled") in day_rows(app)
        assert day_cursor(app) == f"m{team.meeting}"
        detail = text_of(app, "#meeting-body")
        assert "cancelled by the client or their network: Mum [unwell]" in detail
        assert "Free: 10:00-20:00" in text_of(app, "#timeline")  # a cancelled slot is free


async def test_happened_asks_who_came(open_app, team):
    async with open_app(settled=False) as (app, pilot):
        await open_day(pilot)
        await select_row(pilot, f"m{team.earlier}")
        await pilot.press("a")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, AttendanceDialog)
        boxes = {box.id: box.value for box in dialog.query(Checkbox)}
        assert boxes == {
            f"staff-{team.duty}": True,
            f"staff-{team.peer}": True,
            f"network-{team.mum}": True,
        }  # defaults: everyone expected
        dialog.query_one(f"#staff-{team.peer}").focus()  # the dialog opens in the note
        await pilot.press("space")  # untick peer1: did not come
        dialog.query_one("#field-note").focus()
        await pilot.press(*"Agreed (test)")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, NextMeetingDialog)
        await pilot.press("enter")  # an empty time: no next meeting now
        await settle(pilot)
        assert not isinstance(app.screen, (AttendanceDialog, NextMeetingDialog))
        meeting = team.repo.meeting(team.earlier)
        assert meeting.status == "happened"
        assert {a.id: a.attended for a in meeting.staff} == {team.duty: True, team.peer: False}
        assert [a.attended for a in meeting.network] == [True]
        assert ("08:30-09:30", "Alex Example (test)", "happened") in day_rows(app)
        assert "Peer Worker (test) (PW) did not come" in text_of(app, "#meeting-body")


async def test_happened_refused_for_a_future_meeting_says_why(open_app, team):
    async with open_app(settled=False) as (app, pilot):
        await open_day(pilot)
        await select_row(pilot, f"m{team.meeting}")
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AttendanceDialog)  # stays open with the reason
        assert "once it has taken place" in str(app.screen.query_one("#error-form").render())
        assert team.repo.meeting(team.meeting).status == "booked"


async def test_did_not_attend(open_app, team):
    async with open_app(settled=False) as (app, pilot):
        await open_day(pilot)
        await select_row(pilot, f"m{team.earlier}")
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, OutcomeDialog)
        await pilot.press("enter")  # no follow-up: asked for, nothing written
        await settle(pilot)
        assert isinstance(app.screen, OutcomeDialog)
        assert "follow-up is required" in str(app.screen.query_one("#error-follow_up").render())
        await pilot.press(*"Phoned (test)", "enter")
        await settle(pilot)
        assert team.repo.meeting(team.earlier).status == "did_not_attend"
        detail = team.repo.meeting_to_record(team.earlier).detail
        assert detail.follow_up == "Phoned (test)"
        assert ("08:30-09:30", "Alex Example (test)", "DNA") in day_rows(app)


async def test_history_of_a_meeting(open_app, team):
    team.repo.cancel_meeting(team.meeting, "team", "Staff [training]")
    async with open_app(settled=False) as (app, pilot):
        await open_day(pilot)
        await select_row(pilot, f"m{team.meeting}")
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, MeetingHistory)
        text = str(app.screen.query_one("#history-body").render())
        assert "book meeting" in text and "cancel meeting" in text
        assert "Staff [training]" in text
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, MeetingHistory)


async def test_actions_on_an_unbooked_first_meeting_say_what_to_do(open_app, team):
    async with open_app(settled=False) as (app, pilot):
        await open_day(pilot)
        await select_row(pilot, f"u{team.unbooked}")
        for key in ("x", "a", "d", "r", "h"):
            await pilot.press(key)
            await settle(pilot)
            assert app.screen is day_screen(app)
        assert any("not booked yet (b books it)" in n for n in notifications(app))


async def test_view_only_login_cannot_change(open_app, team):
    async with open_app(actor="visitor", settled=False) as (app, pilot):
        await open_day(pilot)
        assert "View only" in text_of(app, "#view-only")
        await select_row(pilot, f"m{team.meeting}")
        await pilot.press("x")
        await settle(pilot)
        assert app.screen is day_screen(app)
        await pilot.press("b")
        await settle(pilot)
        assert app.screen is day_screen(app)  # the booking dialog closed by itself
        assert any("visitor" in n for n in notifications(app))


async def test_literal_text_in_the_list_and_details(open_app, team):
    async with open_app(settled=False) as (app, pilot):
        await open_day(pilot)
        shown = screen_text(app)
        assert "[red]Waiting[/red] Person" in shown
        await select_row(pilot, f"m{team.meeting}")
        assert "1 [b]Example[/b] Road" in screen_text(app)


OTHER_PROCESS = textwrap.dedent("""
    import sys

    import pendulum

    from duty_desk import timeutil
    from duty_desk.config import Config
    from duty_desk.db import open_database
    from duty_desk.repository import Repository

    timeutil.set_now(pendulum.datetime(2026, 11, 23, 10, 0, tz="Europe/London"))
    config = Config()
    db = open_database(config, sys.argv[1])
    repo = Repository(db, config, actor="duty1")
    start = pendulum.datetime(2026, 11, 23, 15, 0, tz="Europe/London")
    repo.book(int(sys.argv[2]), start, 60, [int(sys.argv[3])], "video")
    db.dispose()
""")


async def test_a_booking_from_another_process_appears_within_a_second(open_app, db_path, team):
    async with open_app(settled=False) as (app, pilot):
        await open_day(pilot)
        await select_row(pilot, f"m{team.earlier}")
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", OTHER_PROCESS, str(db_path), str(team.unbooked), str(team.other)
        )
        assert await asyncio.wait_for(process.wait(), 60) == 0
        started = time.monotonic()
        wanted = ("15:00-16:00", "[red]Waiting[/red] Person (test)", "booked")
        while time.monotonic() - started < 10 and wanted not in day_rows(app):
            await pilot.pause(0.02)
        took = time.monotonic() - started
        assert wanted in day_rows(app), "the booking never appeared"
        assert took < 1.0, f"appeared after {took:.2f} s"
        assert day_rows(app)[0][0] != "NOT BOOKED"  # the first meeting is booked now
        assert day_cursor(app) == f"m{team.earlier}"  # the cursor stayed


async def test_queue_says_whether_first_meetings_met_the_deadline(open_app, team):
    """Alex's first meeting (08:30 today) was after the 09:00 deadline? No: on time. The
    waiting person is still to book; a third, accepted last week, was seen late."""
    late_referral = team.repo.add_referral(
        referral_input(name="Seen Late (test)", received_at="20/11/2026 09:00")
    )
    late = team.repo.accept(late_referral)
    team.repo.book(late, local(23, 16), 60, [team.other], "phone")
    async with open_app() as (app, pilot):
        line = str(queue_screen(app).query_one("#first-meetings").render())
        assert line.strip() == (
            "First meetings, last 7 days: 1 on time, 1 LATE, 1 to book, next due in 23h00"
        )
