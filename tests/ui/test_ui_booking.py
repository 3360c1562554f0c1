"""Pilot tests for rapid booking from the day view: defaults, typed time in words, checks,
warnings with a reason, blocking clashes, a clash made by someone else in between, the
next free slot, moving a meeting, and the key count of a follow-up booking."""

from __future__ import annotations

import asyncio

from sqlmodel import func, select
from textual.widgets import Checkbox, Input, Select, Static

from duty_desk.models import Meeting
from screens.booking import BookingDialog
from screens.closing import hold_frame_for_notice
from screens.textual_private import after_each_frame

from . import test_ui_day_support as support
from .test_ui_day_support import (
    ADDRESS,
    day_cursor,
    day_rows,
    local,
    open_day,
    select_row,
)
from .test_ui_support import notifications, settle

team = support.team  # the fixture


def meeting_count(repo) -> int:
    with repo.db.session() as session:
        return session.exec(select(func.count()).select_from(Meeting)).one()


def dialog_text(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def when_field(app) -> Input:
    return app.screen.query_one("#field-when", Input)


class Keys:
    """Presses keys through the pilot and counts them: typed text apart from the rest."""

    def __init__(self, pilot) -> None:
        self.pilot = pilot
        self.keys = 0

    async def press(self, *keys: str) -> None:
        self.keys += len(keys)
        await self.pilot.press(*keys)
        await settle(self.pilot)

    async def type(self, text: str) -> None:
        await self.pilot.press(*("space" if c == " " else c for c in text))
        await settle(self.pilot)


async def test_follow_up_with_defaults_takes_at_most_six_keys_plus_the_time(open_app, config, team):
    before = meeting_count(team.repo)
    async with open_app(settled=False) as (app, pilot):
        await open_day(pilot)
        assert day_cursor(app) == f"m{team.meeting}"  # the client just met
        keys = Keys(pilot)
        await keys.press("b")
        assert isinstance(app.screen, BookingDialog)
        await keys.type("thu 9:30")
        await keys.press("enter")  # check: the words and "no conflicts" are shown
        assert isinstance(app.screen, BookingDialog)
        assert meeting_count(team.repo) == before  # nothing booked before confirming
        await keys.press("enter")  # confirm
        assert not isinstance(app.screen, BookingDialog)
        assert keys.keys <= 6, keys.keys
        assert keys.keys == 3
    booked = team.repo.meetings_for_client(team.client)[-1]
    assert booked.starts_at == local(26, 9, 30)
    assert booked.ends_at == local(26, 10, 30)  # config: 60 minutes
    assert {s.id for s in booked.staff} == {team.duty, team.peer}  # the core team
    assert (booked.place_kind, booked.place_detail) == ("home", ADDRESS)  # the last place
    assert [n.id for n in booked.network] == [team.mum]
    assert any(
        "Booked: Alex Example (test), Thursday 26 November, 09:30-10:30" in n
        for n in notifications(app)
    )


async def test_a_booking_closes_the_dialog_at_once_and_takes_it_down_after(open_app, team):
    """Issue 15: the dialog leaves the screen stack as the booking lands (the day view and
    the notice come straight back) and its widgets are removed a moment later."""
    async with open_app(settled=False) as (app, pilot):
        await open_day(pilot)
        await pilot.press("b")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, BookingDialog)
        await pilot.press(*"thu", "space", "9", ":", "3", "0", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert dialog not in app.screen_stack and not isinstance(app.screen, BookingDialog)
        assert any("Booked: Alex Example (test)" in n for n in notifications(app))
        await asyncio.wait_for(dialog.taken_down.wait(), timeout=5)
        assert not dialog.is_running and not app.is_screen_installed(dialog)
        await pilot.press("b")  # and booking again opens a new dialog as before
        await settle(pilot)
        assert isinstance(app.screen, BookingDialog) and app.screen is not dialog


async def test_the_day_view_comes_back_with_the_notice_in_the_same_frame(open_app, team):
    """Issue 15: as a booking closes the dialog, repaints wait for the "Booked" notice
    (screens/closing.py): no frame shows the day view without it."""
    async with open_app(settled=False, notifications=True) as (app, pilot):
        await open_day(pilot)
        day = app.screen
        await pilot.press("b")
        await settle(pilot)
        await pilot.press(*"thu", "space", "9", ":", "3", "0", "enter")
        await settle(pilot)
        frames: list[bool] = []  # for each frame showing the day view: the notice in it

        def written() -> None:
            if app.screen is day:
                frames.append(
                    any(
                        str(toast.render()).startswith("Booked: Alex Example (test)")
                        and toast.region.area > 0
                        for toast in day.query("Toast")
                    )
                )

        after_each_frame(app, written)
        await pilot.press("enter")
        await settle(pilot)
        assert frames and all(frames), frames
        assert not isinstance(app.screen, BookingDialog)


async def test_a_held_frame_goes_out_without_a_notice(open_app, team):
    """A closing form holds repaints for its opener's notice; none comes: the frame goes
    out all the same (screens/closing.py, HOLD_AT_MOST)."""
    async with open_app() as (app, pilot):
        painted = asyncio.Event()
        after_each_frame(app, painted.set)
        hold_frame_for_notice(app)
        app.screen.refresh()
        await asyncio.wait_for(painted.wait(), timeout=5)


async def test_the_time_is_shown_in_words_before_confirming(open_app, team):
    async with open_app(settled=False) as (app, pilot):
        await open_day(pilot)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press(*"tomorrow", "space", "1", "0")
        await settle(pilot)
        assert dialog_text(app, "#words") == "Tuesday 24 November, 10:00-11:00"
        minutes = app.screen.query_one("#field-minutes", Input)
        minutes.value = "90"
        await pilot.pause()
        assert dialog_text(app, "#words") == "Tuesday 24 November, 10:00-11:30"
        await pilot.press("enter")
        await settle(pilot)
        assert "No conflicts" in dialog_text(app, "#problems")
        assert app.screen.query_one("#save").label.plain == "Book"


async def test_unreadable_time_says_so_and_keeps_the_text(open_app, team):
    before = meeting_count(team.repo)
    async with open_app(settled=False) as (app, pilot):
        await open_day(pilot)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press(*"next", "space", *"tue", "space", *"[b]10")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BookingDialog)
        assert when_field(app).value == "next tue [b]10"
        error = dialog_text(app, "#error-when")
        assert "Cannot read 'next tue [b]10' as a time" in error
        assert app.screen.focused is when_field(app)
        await pilot.press("enter")  # still unreadable: still not booked
        await settle(pilot)
        assert meeting_count(team.repo) == before
        when_field(app).value = "tue 10"
        await pilot.pause()
        assert not app.screen.query_one("#field-when").has_class("-has-error")


async def test_warnings_need_a_typed_reason(open_app, team):
    async with open_app(settled=False) as (app, pilot):
        await open_day(pilot)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press(*"tue", "space", *"21:00", "enter")  # after closing time
        await settle(pilot)
        problems = dialog_text(app, "#problems")
        assert "WARNING:" in problems and "CANNOT BOOK" not in problems
        reason = app.screen.query_one("#field-reason", Input)
        assert reason.parent.display and app.screen.focused is reason
        before = meeting_count(team.repo)
        await pilot.press("enter")  # no reason: not booked
        await settle(pilot)
        assert isinstance(app.screen, BookingDialog)
        assert "Type a reason" in dialog_text(app, "#error-reason")
        assert meeting_count(team.repo) == before
        await pilot.press(*"Family [only] free then", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, BookingDialog)
    booked = team.repo.meetings_for_client(team.client)[-1]
    assert booked.starts_at == local(24, 21)
    assert booked.override_reason == "Family [only] free then"


async def test_blocking_clash_is_named_and_cannot_be_booked(open_app, team):
    async with open_app(settled=False) as (app, pilot):
        await open_day(pilot)
        await select_row(pilot, f"u{team.unbooked}")  # core team duty1 + clin2
        await pilot.press("b")
        await settle(pilot)
        await pilot.press(*"11:30", "enter")  # duty1 is with Alex 11:00-12:00
        await settle(pilot)
        problems = dialog_text(app, "#problems")
        assert "CANNOT BOOK:" in problems and "Duty Worker One (test)" in problems
        before = meeting_count(team.repo)
        await pilot.press("enter")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, BookingDialog)
        assert meeting_count(team.repo) == before
        assert "Cannot be booked at this time" in dialog_text(app, "#problems")


async def test_a_clash_booked_by_someone_else_in_between(open_app, repo_as, team):
    """Checked and free; another Repository books the same staff member; confirming then
    gives one clear conflict, keeps what was typed, and nothing is booked twice."""
    other = repo_as("duty1")  # a second Repository (another duty desk session)
    async with open_app(settled=False) as (app, pilot):
        await open_day(pilot)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press(*"wed", "space", *"14:00", "enter")
        await settle(pilot)
        assert "No conflicts" in dialog_text(app, "#problems")
        other.book(team.unbooked, local(25, 14), 60, [team.peer], "phone")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BookingDialog)
        problems = dialog_text(app, "#problems")
        assert problems.startswith("NOT BOOKED: ")
        assert "Peer Worker (test)" in problems
        assert when_field(app).value == "wed 14:00"
        assert len([n for n in notifications(app) if "Peer Worker" in n]) == 0  # one message
    at_two = [m for m in team.repo.meetings_for_client(team.client) if m.starts_at == local(25, 14)]
    assert at_two == []


async def test_next_free_slot_fills_the_time_and_checks_it(open_app, team):
    async with open_app(settled=False) as (app, pilot):
        await open_day(pilot)
        await pilot.press("b")
        await settle(pilot)
        expected = team.repo.next_free_slot(team.client, 60, [team.duty, team.peer])
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert when_field(app).value == expected.in_timezone("Europe/London").format(
            "DD/MM/YYYY HH:mm"
        )
        assert "No conflicts" in dialog_text(app, "#problems")
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, BookingDialog)
    assert any(m.starts_at == expected for m in team.repo.meetings_for_client(team.client))


def palette_hits(app) -> list[str]:
    from textual.command import CommandList

    options = app.screen.query_one(CommandList).options
    return [str(option.prompt).split("\n")[0] for option in options]


async def test_the_palette_over_the_dialog_offers_its_keys_and_keeps_the_form(open_app, team):
    """Keyboard first: ctrl+p over a form offers the form's own keys (ctrl+n here), runs
    them on the form, and never offers a way out that would lose what was typed."""
    async with open_app(settled=False) as (app, pilot):
        await open_day(pilot)
        await pilot.press("b")
        await settle(pilot)
        dialog = app.screen
        await pilot.press(*"fri")
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"board")  # another screen: not offered over a form
        await pilot.pause(0.3)
        await settle(pilot)
        assert not any("board" in hit.lower() for hit in palette_hits(app))
        await pilot.press(*(["backspace"] * 5), *"next free")
        await pilot.pause(0.3)
        await settle(pilot)
        assert palette_hits(app)[0] == "Next free slot"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog
        assert when_field(app).value == "27/11/2026 08:00"  # as ctrl+n: Friday, opening time


async def test_next_free_slot_from_a_typed_day(open_app, team):
    async with open_app(settled=False) as (app, pilot):
        await open_day(pilot)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press(*"fri", "ctrl+n")
        await settle(pilot)
        assert when_field(app).value == "27/11/2026 08:00"  # Friday, opening time


async def test_book_the_first_meeting_of_an_unbooked_client(open_app, team):
    async with open_app(settled=False) as (app, pilot):
        await open_day(pilot)
        await select_row(pilot, f"u{team.unbooked}")
        await pilot.press("b")
        await settle(pilot)
        ticks = {box.id: box.value for box in app.screen.query(Checkbox)}
        assert ticks == {f"staff-{team.duty}": True, f"staff-{team.other}": True}
        assert app.screen.query_one("#field-place", Select).value == "base"  # first meeting
        await pilot.press(*"16:00", "enter", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, BookingDialog)
        rows = day_rows(app)
        assert rows[0][0] != "NOT BOOKED"
        assert ("16:00-17:00", "[red]Waiting[/red] Person (test)", "booked") in rows
        assert day_cursor(app) is not None and day_cursor(app).startswith("m")


async def test_move_a_meeting_with_the_same_keys(open_app, team):
    async with open_app(settled=False) as (app, pilot):
        await open_day(pilot)
        await select_row(pilot, f"m{team.meeting}")
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, BookingDialog)
        assert "Now: Monday 23 November, 11:00-12:00" in dialog_text(app, "#intro")
        await pilot.press(*"13:00", "enter", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, BookingDialog)
        moved = team.repo.meeting(team.meeting)
        assert moved.starts_at == local(23, 13) and moved.status == "booked"
        assert ("13:00-14:00", "Alex Example (test)", "booked") in day_rows(app)
        assert day_cursor(app) == f"m{team.meeting}"
        entries = team.repo.history("meeting", team.meeting)
        assert [e.action for e in entries][-1] == "reschedule meeting"


async def test_escape_closes_without_booking(open_app, team):
    before = meeting_count(team.repo)
    async with open_app(settled=False) as (app, pilot):
        await open_day(pilot)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press(*"thu 9:30", "escape")
        await settle(pilot)
        assert not isinstance(app.screen, BookingDialog)
    assert meeting_count(team.repo) == before
